import { HttpError, parsedUrl, RequestError } from '@admit/contracts';
import { Static, Type } from '@sinclair/typebox';

/** The rate-limit variables, shared by the intake app and embedded mode; counts are per window and route. */
export const rateLimitConfig = {
  /** Length of one counting window, in seconds. */
  ADMIT_RATE_LIMIT_WINDOW_S: Type.Integer({ minimum: 1, maximum: 3_600, default: 1 }),
  /** Requests one client (client id; a CIMD client id's host) may make per window on each route. */
  ADMIT_RATE_LIMIT_PER_CLIENT: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 5_000 }),
  /** Requests all clients together may make per window on each route, on one intake instance. */
  ADMIT_RATE_LIMIT_GLOBAL: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 20_000 }),
  /** Requests one source address may make per window on each route; 0 (the default) counts none, since gateways share an address. */
  ADMIT_RATE_LIMIT_PER_SOURCE: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
};

export interface RateLimitOptions {
  windowS: number;
  perClient: number;
  global: number;
  /** 0: source addresses are not counted. */
  perSource: number;
}

export function rateLimitOptions(config: Static<ReturnType<typeof Type.Object<typeof rateLimitConfig>>>): RateLimitOptions {
  return { windowS: config.ADMIT_RATE_LIMIT_WINDOW_S, perClient: config.ADMIT_RATE_LIMIT_PER_CLIENT, global: config.ADMIT_RATE_LIMIT_GLOBAL, perSource: config.ADMIT_RATE_LIMIT_PER_SOURCE };
}

export type LimitedRoute = 'register' | 'admissions' | 'access-checks' | 'gateway';

/**
 * Fixed-window counters in memory, per intake instance: on each route, per client, all clients
 * together (the ceiling), and, when turned on, per source address. A request is let through only
 * when every counter it falls under has room, and only a request let through is counted, so a
 * throttled client spends nothing of the ceiling, and the counters of one window never outnumber
 * the requests the ceiling lets through. Several intakes each count their own.
 */
export class RateLimits {
  private readonly counts = new Map<string, number>();
  private windowStartMs = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the request, or throws `ERR_TOO_MANY_REQUESTS` (429) with `Retry-After`: the seconds until the window ends. */
  take(route: LimitedRoute, clientId: string, source: string): void {
    const windowMs = this.options.windowS * 1000;
    const now = this.now();
    const start = now - (now % windowMs);
    if (start !== this.windowStartMs) {
      this.counts.clear();
      this.windowStartMs = start;
    }
    const counters: [key: string, limit: number, refusal: string][] = [
      [`${route}\0client\0${rateKeyOf(clientId)}`, this.options.perClient, `this client made ${this.options.perClient} requests`],
      [`${route}\0global`, this.options.global, `Admit took ${this.options.global} requests`],
    ];
    if (this.options.perSource > 0) counters.push([`${route}\0source\0${source}`, this.options.perSource, `this address made ${this.options.perSource} requests`]);
    for (const [key, limit, refusal] of counters) {
      if ((this.counts.get(key) ?? 0) >= limit) {
        const retryAfterS = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
        throw new RequestError(HttpError.TooManyRequests, `${refusal} to /${route} in ${this.options.windowS} s; try again in ${retryAfterS} s`, { retryAfterS });
      }
    }
    for (const [key] of counters) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/**
 * The client a request counts against: its client id, or for a Client ID Metadata Document the
 * URL's host, since whoever serves one host can name any number of documents on it.
 */
export function rateKeyOf(clientId: string): string {
  if (!clientId.startsWith('https://')) return clientId;
  const url = parsedUrl(clientId);
  return url ? `https://${url.hostname}` : clientId;
}
