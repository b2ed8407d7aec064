import { Fetcher } from '@admit/metadata';
import { createLocalJWKSet, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

export interface ClientJwksCacheOptions {
  fetcher: Fetcher;
  now?: () => number;
  /** How long a fetched key set is used before it is fetched again. Default 5 min. */
  ttlMs?: number;
  /** Least time between two fetches of one jwks_uri outside the TTL, and how long a failure is remembered. Default 30 s. */
  cooldownMs?: number;
  /** How many jwks_uri entries are kept; the least recently used go first. Default 10,000. */
  maxEntries?: number;
}

export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

type LocalSet = ReturnType<typeof createLocalJWKSet>;

interface Entry {
  set?: LocalSet;
  fetchedAt?: number;
  lastAttemptAt?: number;
  inflight?: Promise<LocalSet | undefined>;
}

const MAX_JWKS_BYTES = 64 * 1024;

/**
 * The key sets of clients' `jwks_uri`, fetched through the SSRF guard, as the anchor keys are: used
 * for a TTL, fetched again on an unknown `kid` at most once per cooldown, and a failed fetch is
 * remembered for the cooldown. A metadata document may point `jwks_uri` at any host, so without
 * this every access check would make Admit fetch from it; now a flood costs one fetch per cooldown.
 */
export class ClientJwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly cooldownMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: ClientJwksCacheOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** A key function for `jwtVerify` over the keys at `uri`, or undefined when none can be had now. */
  async resolverFor(uri: string): Promise<KeyResolver | undefined> {
    const entry = this.entry(uri);
    const set = await this.usableSet(entry, uri);
    if (!set) return undefined;
    return async (header, token) => {
      try {
        return await set(header, token);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
        // A client that rotated its keys: one fetch per cooldown finds the new one.
        if (entry.set && entry.set !== set) return entry.set(header, token);
        if (!entry.inflight && !this.cooledDown(entry)) throw error;
        const fresh = await this.refresh(entry, uri);
        if (!fresh) throw error;
        return fresh(header, token);
      }
    };
  }

  private entry(uri: string): Entry {
    let entry = this.entries.get(uri);
    if (entry) this.entries.delete(uri);
    else entry = {};
    this.entries.set(uri, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  private async usableSet(entry: Entry, uri: string): Promise<LocalSet | undefined> {
    if (entry.set && entry.fetchedAt !== undefined && this.now() - entry.fetchedAt < this.ttlMs) return entry.set;
    if (entry.inflight) return entry.inflight;
    if (!this.cooledDown(entry)) return undefined;
    return this.refresh(entry, uri);
  }

  private cooledDown(entry: Entry): boolean {
    return entry.lastAttemptAt === undefined || this.now() - entry.lastAttemptAt >= this.cooldownMs;
  }

  /** One fetch at a time per uri; concurrent callers share it. An expired set is never served after a failed fetch. */
  private refresh(entry: Entry, uri: string): Promise<LocalSet | undefined> {
    if (entry.inflight) return entry.inflight;
    entry.lastAttemptAt = this.now();
    const inflight = this.fetch(uri).then((set) => {
      entry.set = set;
      entry.fetchedAt = set && this.now();
      return set;
    });
    entry.inflight = inflight;
    void inflight.finally(() => {
      if (entry.inflight === inflight) entry.inflight = undefined;
    });
    return inflight;
  }

  private async fetch(uri: string): Promise<LocalSet | undefined> {
    try {
      const response = await this.options.fetcher.fetch(uri, { maxBytes: MAX_JWKS_BYTES });
      const jwks: unknown = JSON.parse(response.body.toString('utf8'));
      return isJwks(jwks) ? createLocalJWKSet(jwks) : undefined;
    } catch {
      return undefined;
    }
  }
}

export function isJwks(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
