/**
 * What the metadata and trust libs count for operators: fetch outcomes and cache hits. Declared here
 * so capability libs need no metrics library; platform's AdmitMetrics has these methods, and the
 * service module that builds the fetcher and caches passes it in.
 */
export interface MetricsPort {
  /** An outbound fetch ended: `ok`, or its FetchError code. */
  fetched(outcome: string): void;
  /** A cache was asked: `cimd` (documents and remembered failures) or `statement` (verified statements). */
  cacheLookup(cache: 'cimd' | 'statement', hit: boolean): void;
}

export const noMetrics: MetricsPort = { fetched: () => undefined, cacheLookup: () => undefined };
