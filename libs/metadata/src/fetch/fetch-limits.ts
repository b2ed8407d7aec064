import { KeyedLimiter } from './keyed-limiter';

/** How many fetches may run at once. */
export interface FetchLimitsOptions {
  /** Per `host:port` as the URL names it. */
  perHost: number;
  /** Per resolved IP address connected to. */
  perAddress: number;
  /** In all, for the whole process. */
  total: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimitsOptions = { perHost: 4, perAddress: 8, total: 64 };

const TOTAL = '*';

/**
 * Caps concurrent fetches per host, per resolved address and in all. The host cap is taken before
 * DNS. Names are free to make (wildcard DNS gives an attacker any number of hosts on one address),
 * so the address cap is taken once the address to connect to is known, and the total cap after it:
 * fetches queued behind one busy address hold no share of the total meanwhile. Every wait ends
 * when the caller's signal aborts, with its reason.
 */
export class FetchLimits {
  private readonly hosts: KeyedLimiter;
  private readonly addresses: KeyedLimiter;
  private readonly total: KeyedLimiter;

  constructor({ perHost, perAddress, total }: FetchLimitsOptions = DEFAULT_FETCH_LIMITS) {
    this.hosts = new KeyedLimiter(perHost);
    this.addresses = new KeyedLimiter(perAddress);
    this.total = new KeyedLimiter(total);
  }

  host(hostKey: string, signal: AbortSignal): Promise<() => void> {
    return this.hosts.acquire(hostKey, signal);
  }

  /** A slot for connecting to `address`, and one of the total; the release gives back both. */
  async address(address: string, signal: AbortSignal): Promise<() => void> {
    const releaseAddress = await this.addresses.acquire(address, signal);
    try {
      const releaseTotal = await this.total.acquire(TOTAL, signal);
      return () => {
        releaseTotal();
        releaseAddress();
      };
    } catch (err) {
      releaseAddress();
      throw err;
    }
  }

  /** Holders of, and waiters for, `address` right now (for tests). */
  addressUsage(address: string): { active: number; waiting: number } {
    return this.addresses.usage(address);
  }

  /** Holders of, and waiters for, the total right now (for tests). */
  totalUsage(): { active: number; waiting: number } {
    return this.total.usage(TOTAL);
  }
}
