import { promises as dns } from 'node:dns';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import { ResolvedAddress, Resolver, resolveChecked } from './checked-addresses';
import { startDeadline, untilAborted } from './deadline';
import { exchange } from './exchange';
import { FetchError, FetchErrorCode, Fetcher, FetchOptions, FetchResponse } from './fetcher';
import { parseFetchTarget } from './fetch-target';
import { DEFAULT_FETCH_LIMITS, FetchLimits, FetchLimitsOptions } from './fetch-limits';
import { connectPinned, TlsConnect } from './pinned-tls';

export interface SafeFetcherOptions {
  /** DNS; default `dns.promises.lookup(host, { all: true, verbatim: true })`. */
  resolver?: Resolver;
  /** Opens the TLS socket; default `tls.connect`. Tests pass a spy. */
  connect?: TlsConnect;
  /** Exact `host:port` entries allowed to resolve to loopback (ADMIT_FETCH_ALLOW_HOSTS). Never private ranges. */
  allowLoopback?: readonly string[];
  /** An extra trusted CA, added to Node's roots (ADMIT_FETCH_CA_FILE). */
  ca?: string | Buffer;
  connectTimeoutMs?: number;
  /** Bounds everything a caller waits for: queueing, DNS, connect, and reading the body. */
  totalTimeoutMs?: number;
  /** Concurrent fetches per host, per resolved address and in all; default `DEFAULT_FETCH_LIMITS` (4, 8, 64). */
  limits?: Partial<FetchLimitsOptions>;
  clock?: () => Date;
}

const defaultResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as ResolvedAddress['family'] }));

/**
 * The only way Admit reaches the network: the SSRF guard. It resolves DNS itself,
 * refuses special-use addresses, connects to exactly the address it checked, and never follows
 * a redirect. Concurrent fetches of one URL (same cap) share one request. Fetches are capped per
 * host, per resolved address and in all (`FetchLimits`), and the deadline covers time queued.
 */
export class SafeFetcher implements Fetcher {
  private readonly resolver: Resolver;
  private readonly connect: TlsConnect;
  private readonly allowLoopback: ReadonlySet<string>;
  private readonly ca: Array<string | Buffer>;
  private readonly connectTimeoutMs: number;
  private readonly totalTimeoutMs: number;
  private readonly limits: FetchLimits;
  private readonly clock: () => Date;
  private readonly inflight = new Map<string, Promise<FetchResponse>>();

  constructor(options: SafeFetcherOptions = {}) {
    this.resolver = options.resolver ?? defaultResolver;
    this.connect = options.connect ?? tlsConnect;
    this.allowLoopback = new Set(options.allowLoopback ?? []);
    // `ca` replaces Node's trust store, so the extra CA is appended to the bundled roots.
    this.ca = options.ca ? [...rootCertificates, options.ca] : [...rootCertificates];
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 5000;
    this.limits = new FetchLimits({ ...DEFAULT_FETCH_LIMITS, ...options.limits });
    this.clock = options.clock ?? (() => new Date());
  }

  fetch(url: string, options: FetchOptions): Promise<FetchResponse> {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1) {
      return Promise.reject(new RangeError(`maxBytes must be a positive integer, got ${options.maxBytes}`));
    }
    const key = `${options.maxBytes} ${url}`;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const started = this.fetchOnce(url, options.maxBytes).finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }

  private async fetchOnce(url: string, maxBytes: number): Promise<FetchResponse> {
    const target = parseFetchTarget(url);
    const deadline = startDeadline(
      this.totalTimeoutMs,
      () => new FetchError(FetchErrorCode.Timeout, `fetching from ${target.host} took longer than ${this.totalTimeoutMs} ms`),
    );
    try {
      const releaseHost = await this.limits.host(target.hostKey, deadline.signal);
      try {
        const addresses = await untilAborted(resolveChecked(target, this.resolver, this.allowLoopback), deadline.signal);
        const { socket, release } = await connectPinned(target, addresses, {
          connect: this.connect,
          ca: this.ca,
          connectTimeoutMs: this.connectTimeoutMs,
          signal: deadline.signal,
          claim: (address, signal) => this.limits.address(address, signal),
        });
        try {
          const { headers, body } = await exchange(socket, target, maxBytes, deadline.signal);
          return { url, status: 200, headers, body, fetchedAt: this.clock() };
        } finally {
          release();
        }
      } finally {
        releaseHost();
      }
    } finally {
      deadline.clear();
    }
  }
}
