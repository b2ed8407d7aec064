import { parsedUrl } from '@admit/contracts';
import { isIP } from 'node:net';
import { FetchError, FetchErrorCode } from './fetcher';

/** What SafeFetcher needs to know about a URL, parsed once. */
export interface FetchTarget {
  /** Host as the URL has it, port included when not 443: the Host header. */
  host: string;
  /** Hostname without IPv6 brackets: what DNS, TLS and the SSRF guard see. */
  hostname: string;
  port: number;
  /** Path and query; the fragment never leaves the process. */
  path: string;
  /** `hostname:port` as the URL spells it (IPv6 in brackets): the allow-list and per-host cap key. */
  hostKey: string;
  ipLiteral: boolean;
}

export function parseFetchTarget(raw: string): FetchTarget {
  const url = parsedUrl(raw);
  if (!url) throw new FetchError(FetchErrorCode.InvalidUrl, 'URL is not valid');
  if (url.protocol !== 'https:') throw new FetchError(FetchErrorCode.NotHttps, `only https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new FetchError(FetchErrorCode.InvalidUrl, 'URL must not contain credentials');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : 443;
  return {
    host: url.host,
    hostname,
    port,
    path: `${url.pathname}${url.search}`,
    hostKey: `${url.hostname}:${port}`,
    ipLiteral: isIP(hostname) !== 0,
  };
}
