import { CodedError } from '@admit/contracts';

/** What an outbound fetch returns. Only a 200 ever comes back; anything else is a FetchError. */
export interface FetchResponse {
  /** The URL fetched, exactly as given. */
  url: string;
  status: 200;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  fetchedAt: Date;
}

export interface FetchOptions {
  /** Reading stops, and the fetch fails with ERR_FETCH_TOO_LARGE, past this many bytes. */
  maxBytes: number;
}

/** The only way Admit reaches the network. The real one is SafeFetcher (SSRF guard). */
export interface Fetcher {
  fetch(url: string, options: FetchOptions): Promise<FetchResponse>;
}

export const FetchErrorCode = {
  InvalidUrl: 'ERR_FETCH_URL_INVALID',
  NotHttps: 'ERR_FETCH_NOT_HTTPS',
  BlockedAddress: 'ERR_FETCH_BLOCKED_ADDRESS',
  Dns: 'ERR_FETCH_DNS',
  Connect: 'ERR_FETCH_CONNECT',
  Timeout: 'ERR_FETCH_TIMEOUT',
  TooLarge: 'ERR_FETCH_TOO_LARGE',
  Redirect: 'ERR_FETCH_REDIRECT',
  Status: 'ERR_FETCH_STATUS',
} as const;
export type FetchErrorCode = (typeof FetchErrorCode)[keyof typeof FetchErrorCode];

export class FetchError extends CodedError<FetchErrorCode> {
  constructor(
    code: FetchErrorCode,
    message: string,
    /** The HTTP status, for ERR_FETCH_STATUS and ERR_FETCH_REDIRECT. */
    readonly status?: number,
  ) {
    super(code, message);
  }
}
