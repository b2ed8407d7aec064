import { FetchError, FetchErrorCode } from './fetcher';
import { FetchTarget } from './fetch-target';
import { specialUseRange } from './special-use';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Every address the target resolves to, each one checked. One special-use address refuses the
 * whole fetch: an attacker who controls DNS picks which answer a client would use.
 */
export async function resolveChecked(target: FetchTarget, resolver: Resolver, allowLoopback: ReadonlySet<string>): Promise<string[]> {
  let addresses: string[];
  if (target.ipLiteral) {
    addresses = [target.hostname];
  } else {
    try {
      addresses = (await resolver(target.hostname)).map((a) => a.address);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new FetchError(FetchErrorCode.Dns, `DNS lookup for ${target.hostname} failed (${code})`);
    }
    if (addresses.length === 0) throw new FetchError(FetchErrorCode.Dns, `DNS lookup for ${target.hostname} returned no address`);
  }
  for (const address of addresses) {
    const range = specialUseRange(address);
    if (range === null) continue;
    // Only loopback is ever unlocked, and only for an exact host:port: tests and local development.
    if (range === 'loopback' && allowLoopback.has(target.hostKey)) continue;
    throw new FetchError(FetchErrorCode.BlockedAddress, `${target.hostname} resolves to special-use address ${address} (${range})`);
  }
  return addresses;
}
