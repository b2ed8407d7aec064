import { Type } from '@sinclair/typebox';
import { parsedUrl } from '@admit/contracts';
import { readFileSync } from 'node:fs';
import { MetricsPort } from '../metrics-port';
import { parseAllowHosts } from './allow-hosts';
import { FetchError, Fetcher } from './fetcher';
import { SafeFetcher } from './safe-fetcher';

/** The outbound fetch variables, read by every service that fetches (intake and the validator). */
export const fetchConfig = {
  /** For tests and local development only: `host:port` entries allowed to resolve to loopback. */
  ADMIT_FETCH_ALLOW_HOSTS: Type.String({ default: '' }),
  /** For tests and local development only: an extra CA (PEM file) trusted for outbound TLS. */
  ADMIT_FETCH_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

/** Exact `host:port` entries allowed to resolve to loopback, and the path of an extra CA. */
export type OutboundFetchOptions = { allowLoopback: string[]; caFile?: string };

export function fetchOptions(config: { ADMIT_FETCH_ALLOW_HOSTS: string; ADMIT_FETCH_CA_FILE?: string }): OutboundFetchOptions {
  return { allowLoopback: parseAllowHosts(config.ADMIT_FETCH_ALLOW_HOSTS), caFile: config.ADMIT_FETCH_CA_FILE };
}

/** Runs one fetch as a span of the work it is for (the bus's `fetchSpan`), named by the target host. */
export type FetchSpan = <T>(host: string, fetch: () => Promise<T>) => Promise<T>;

/**
 * The one way a service builds its fetcher: SSRF-guarded with the configured loopback hosts and CA,
 * each outcome (`ok` or the FetchError code) counted in `metrics`, each fetch a span.
 */
export function outboundFetcher(options: OutboundFetchOptions, metrics: MetricsPort, span: FetchSpan): Fetcher {
  const guarded = new SafeFetcher({ allowLoopback: options.allowLoopback, ca: options.caFile ? readFileSync(options.caFile) : undefined });
  return {
    fetch: (url, fetchOptions) =>
      // The span names the host only, never the path or query.
      span(parsedUrl(url)?.host ?? 'invalid', async () => {
        try {
          const response = await guarded.fetch(url, fetchOptions);
          metrics.fetched('ok');
          return response;
        } catch (err) {
          metrics.fetched(err instanceof FetchError ? err.code : 'error');
          throw err;
        }
      }),
  };
}

