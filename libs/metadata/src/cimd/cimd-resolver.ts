import { createHash } from 'node:crypto';
import { Problem } from '@admit/contracts';
import { FetchError, Fetcher, FetchResponse } from '../fetch/fetcher';
import { cacheTtlMs } from './cache-ttl';
import { CimdErrorCode, cimdProblem } from './cimd-problem';
import { checkClientIdUrl } from './client-id-url';
import { checkMetadataDocument, CimdMetadata } from './document';
import { jsonContentTypeProblem } from './content-type';
import { DocumentCache, DocumentCacheOptions, PurgeCriteria } from './document-cache';
import { MetricsPort, noMetrics } from '../metrics-port';

/** The draft's recommended read limit (§8.7): 5 KB. */
export const MAX_DOCUMENT_BYTES = 5120;

/** What an auditor needs to know about the document a client was admitted on. */
export interface CimdEvidence {
  url: string;
  /** Hex SHA-256 of the exact bytes received. */
  sha256: string;
  fetched_at: string;
  status: 200;
  cache_ttl_s: number;
  /** True when this answer came from the cache rather than a fetch just now. */
  cached: boolean;
}

export type CimdResolution = { ok: true; metadata: CimdMetadata; evidence: CimdEvidence } | { ok: false; problems: Problem[] };

export interface CimdResolverOptions {
  cache?: DocumentCacheOptions;
  clock?: () => Date;
  /** Counts cache hits and misses. */
  metrics?: MetricsPort;
}

interface Admitted {
  metadata: CimdMetadata;
  evidence: CimdEvidence;
}

/** Resolves a CIMD client id to checked metadata: URL rules, SSRF-safe fetch, document rules, cache. */
export class CimdResolver {
  private readonly cache: DocumentCache<Admitted>;
  private readonly clock: () => Date;
  private readonly metrics: MetricsPort;

  constructor(
    private readonly fetcher: Fetcher,
    options: CimdResolverOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.metrics = options.metrics ?? noMetrics;
    this.cache = new DocumentCache<Admitted>(options.cache, () => this.clock().getTime());
  }

  /**
   * `fresh` (a freshness re-check) fetches the document again even when a cached one has not expired;
   * a recent failure still answers from its short guard, so re-checks cannot hammer a failing host.
   */
  async resolve(clientIdUrl: string, { fresh = false }: { fresh?: boolean } = {}): Promise<CimdResolution> {
    const checked = checkClientIdUrl(clientIdUrl);
    if (!checked.ok) return { ok: false, problems: [checked.problem] };

    const cached = this.cache.get(clientIdUrl);
    const hit = fresh && cached?.kind === 'document' ? undefined : cached;
    this.metrics.cacheLookup('cimd', hit !== undefined);
    if (hit?.kind === 'document') {
      // A copy: callers own what they get, and must not be able to edit the cached admission.
      return { ok: true, metadata: structuredClone(hit.value.metadata), evidence: { ...hit.value.evidence, cached: true } };
    }
    if (hit?.kind === 'failure') return { ok: false, problems: structuredClone(hit.problems) };

    let response: FetchResponse;
    try {
      response = await this.fetcher.fetch(clientIdUrl, { maxBytes: MAX_DOCUMENT_BYTES });
    } catch (err) {
      const problem =
        err instanceof FetchError
          ? cimdProblem(err.code, err.message)
          : cimdProblem(CimdErrorCode.FetchFailed, 'fetching the client metadata document failed unexpectedly');
      return this.failed(clientIdUrl, [problem]);
    }
    const contentType = jsonContentTypeProblem(response.headers['content-type']);
    if (contentType) return this.failed(clientIdUrl, [contentType]);
    const document = checkMetadataDocument(clientIdUrl, response.body);
    if (!document.ok) return this.failed(clientIdUrl, document.problems);

    const ttlMs = cacheTtlMs(response.headers, response.fetchedAt, this.cache.bounds);
    const evidence: CimdEvidence = {
      url: clientIdUrl,
      sha256: createHash('sha256').update(response.body).digest('hex'),
      fetched_at: response.fetchedAt.toISOString(),
      status: 200,
      cache_ttl_s: Math.round(ttlMs / 1000),
      cached: false,
    };
    this.cache.setDocument(clientIdUrl, { metadata: structuredClone(document.metadata), evidence }, ttlMs);
    return { ok: true, metadata: document.metadata, evidence };
  }

  /** Drops cached documents and failures, e.g. when a revocation names the client or its origin. */
  purge(criteria: PurgeCriteria): number {
    return this.cache.purge(criteria);
  }

  private failed(clientIdUrl: string, problems: Problem[]): CimdResolution {
    this.cache.setFailure(clientIdUrl, structuredClone(problems));
    return { ok: false, problems };
  }
}
