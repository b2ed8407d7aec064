import { parsedUrl, Problem } from '@admit/contracts';
import { TtlBounds } from './cache-ttl';

export interface DocumentCacheOptions {
  /** Default 60 s. */
  minTtlMs?: number;
  /** Default 24 h. */
  maxTtlMs?: number;
  /** How long a failure is remembered so the target is not hammered. Default 10 s. */
  negativeTtlMs?: number;
  /** Least recently used entries go first. Default 10,000. */
  maxEntries?: number;
}

export type CacheLookup<T> = { kind: 'document'; value: T } | { kind: 'failure'; problems: Problem[] };
type Entry<T> = CacheLookup<T> & { expiresAt: number };

export interface PurgeCriteria {
  /** Exact client id URL. */
  clientId?: string;
  /** Every document served from this origin's host, on any port, e.g. `https://client.example`. */
  origin?: string;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Fetched documents keyed by their client id URL, LRU-bounded. A document is only ever stored once
 * valid; a failure is only stored as a short negative entry that throttles refetching.
 */
export class DocumentCache<T> {
  readonly bounds: TtlBounds;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    options: DocumentCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.bounds = { minTtlMs: positiveInteger('minTtlMs', options.minTtlMs ?? 60_000), maxTtlMs: positiveInteger('maxTtlMs', options.maxTtlMs ?? 86_400_000) };
    if (this.bounds.minTtlMs > this.bounds.maxTtlMs) throw new RangeError(`minTtlMs ${this.bounds.minTtlMs} exceeds maxTtlMs ${this.bounds.maxTtlMs}`);
    this.negativeTtlMs = positiveInteger('negativeTtlMs', options.negativeTtlMs ?? 10_000);
    this.maxEntries = positiveInteger('maxEntries', options.maxEntries ?? 10_000);
  }

  get size(): number {
    return this.entries.size;
  }

  get(clientId: string): CacheLookup<T> | undefined {
    const entry = this.entries.get(clientId);
    if (!entry) return undefined;
    this.entries.delete(clientId);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(clientId, entry);
    return entry.kind === 'document' ? { kind: 'document', value: entry.value } : { kind: 'failure', problems: entry.problems };
  }

  /** `ttlMs` is clamped to the bounds again: a caller cannot store past the policy maximum. */
  setDocument(clientId: string, value: T, ttlMs: number): void {
    const ttl = Math.min(this.bounds.maxTtlMs, Math.max(this.bounds.minTtlMs, ttlMs));
    this.store(clientId, { kind: 'document', value, expiresAt: this.now() + ttl });
  }

  setFailure(clientId: string, problems: Problem[]): void {
    this.store(clientId, { kind: 'failure', problems, expiresAt: this.now() + this.negativeTtlMs });
  }

  /** Removes every entry matching any given criterion; returns how many went. */
  purge({ clientId, origin }: PurgeCriteria): number {
    const wantedOrigin = origin === undefined ? undefined : originOf(origin);
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (key === clientId || (wantedOrigin !== undefined && originOf(key) === wantedOrigin)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  private store(clientId: string, entry: Entry<T>): void {
    this.entries.delete(clientId);
    this.entries.set(clientId, entry);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/** An origin's host, whatever the port: an origin revocation covers the host on every port. */
function originOf(value: string): string {
  return parsedUrl(value)?.hostname.replace(/\.$/, '') ?? value;
}
