import { parsedJson } from '@admit/contracts';
import { FetchError, type Fetcher } from '@admit/metadata';
import type { JSONWebKeySet } from 'jose';
import { WorkloadError, WorkloadErrorCode as Code } from './workload-error';

/** Where a trust domain's JWT bundle comes from: pinned in the anchors file, or a bundle endpoint. */
export type BundleSource = { trustDomain: string; bundle: JSONWebKeySet } | { trustDomain: string; endpoint: string };

export interface BundleLimits {
  /** A bundle document larger than this is refused. Default 64 KiB. */
  maxBytes: number;
  /** How long a fetched bundle is used when it carries no `spiffe_refresh_hint`, in seconds. Default 300. */
  defaultRefreshS: number;
  /** After a failed fetch, how long before the endpoint is tried again, in seconds. Default 30. */
  retryS: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxBytes: 64 * 1024, defaultRefreshS: 300, retryS: 30 };

/** A refresh hint outside this range is brought into it: no hammering, and no bundle kept for a day. */
const REFRESH_RANGE_S = { min: 10, max: 3_600 };

/**
 * A trust domain's JWT bundle, as the SPIFFE Trust Domain and Bundle spec defines it: pinned, or
 * fetched from its `https_web` bundle endpoint through `fetcher` (the SSRF guard) and fetched again
 * once its `spiffe_refresh_hint` (or the default) has passed. Callers at once share one fetch. A
 * failed refresh keeps the last bundle fetched, as the spec lets a relying party do, and tries
 * again after `retryS`; with no bundle yet, it refuses with ERR_SPIFFE_BUNDLE_UNAVAILABLE. The same
 * bundle object is returned until it changes, so keys imported from it are imported once.
 */
export class SpiffeBundle {
  private current?: JSONWebKeySet;
  private nextFetchMs = 0;
  private lastError?: WorkloadError;
  private inFlight?: Promise<JSONWebKeySet>;
  private readonly limits: BundleLimits;

  constructor(
    private readonly source: BundleSource,
    private readonly fetcher?: Fetcher,
    limits: Partial<BundleLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_BUNDLE_LIMITS, ...limits };
    if ('bundle' in source) this.current = parseBundle(source.trustDomain, JSON.stringify(source.bundle));
    else if (!fetcher) throw new Error(`trust domain ${source.trustDomain}: a bundle endpoint needs a fetcher`);
  }

  get trustDomain(): string {
    return this.source.trustDomain;
  }

  /** The bundle to verify with now. */
  async keys(): Promise<JSONWebKeySet> {
    if ('bundle' in this.source || !this.fetcher || this.now() < this.nextFetchMs) return this.usable();
    this.inFlight ??= this.refresh(this.fetcher, this.source.endpoint).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async refresh(fetcher: Fetcher, endpoint: string): Promise<JSONWebKeySet> {
    try {
      const response = await fetcher.fetch(endpoint, { maxBytes: this.limits.maxBytes });
      const bundle = parseBundle(this.trustDomain, response.body.toString('utf8'));
      if (JSON.stringify(bundle) !== JSON.stringify(this.current)) this.current = bundle;
      const hint = typeof bundle.spiffe_refresh_hint === 'number' ? bundle.spiffe_refresh_hint : this.limits.defaultRefreshS;
      this.nextFetchMs = this.now() + Math.min(REFRESH_RANGE_S.max, Math.max(REFRESH_RANGE_S.min, hint)) * 1000;
      this.lastError = undefined;
    } catch (err) {
      const reason = err instanceof FetchError || err instanceof WorkloadError ? `${err.code}: ${err.message}` : String(err);
      this.lastError = new WorkloadError(Code.BundleUnavailable, `the JWT bundle of ${this.trustDomain} could not be fetched from ${endpoint} (${reason})`);
      this.nextFetchMs = this.now() + this.limits.retryS * 1000;
    }
    return this.usable();
  }

  private usable(): JSONWebKeySet {
    if (this.current) return this.current;
    throw this.lastError ?? new WorkloadError(Code.BundleUnavailable, `no JWT bundle of ${this.trustDomain} yet`);
  }
}

/**
 * A SPIFFE bundle document: a JWK set whose JWT-SVID keys (`use: jwt-svid`) each carry a `kid`.
 * Keys for X.509-SVIDs are kept out; a bundle with no JWT-SVID key is refused, since it could verify
 * nothing.
 */
export function parseBundle(trustDomain: string, text: string): JSONWebKeySet & { spiffe_refresh_hint?: unknown } {
  const refuse = (why: string) => new WorkloadError(Code.BundleUnavailable, `the JWT bundle of ${trustDomain} ${why}`);
  const doc = parsedJson(text);
  if (doc === undefined) throw refuse('is not JSON');
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) throw refuse('is not a JWK set (no "keys" array)');
  const { keys, spiffe_refresh_hint } = doc as { keys: unknown[]; spiffe_refresh_hint?: unknown };
  const jwtKeys = keys.filter((k): k is JSONWebKeySet['keys'][number] => typeof k === 'object' && k !== null && ((k as { use?: unknown }).use ?? 'jwt-svid') === 'jwt-svid');
  if (jwtKeys.length === 0) throw refuse('has no JWT-SVID key');
  const unnamed = jwtKeys.find((k) => typeof k.kid !== 'string' || k.kid === '' || typeof k.kty !== 'string');
  if (unnamed) throw refuse('has a JWT-SVID key without "kty" or "kid"');
  return { keys: jwtKeys, ...(spiffe_refresh_hint === undefined ? {} : { spiffe_refresh_hint }) };
}
