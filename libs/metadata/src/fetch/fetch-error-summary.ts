import { FetchErrorCode } from './fetcher';

/**
 * What a caller may be told about a failed fetch: the code says what went wrong, and these words
 * add nothing Admit learned on the way. A FetchError's own message names resolved addresses and
 * socket errors, which would let a caller map DNS and the network Admit sits in; it goes only to
 * the audit trail.
 */
const SUMMARIES: Readonly<Record<FetchErrorCode, string>> = {
  [FetchErrorCode.InvalidUrl]: 'the URL cannot be fetched',
  [FetchErrorCode.NotHttps]: 'the URL must use https',
  [FetchErrorCode.BlockedAddress]: 'the host resolves to an address Admit does not fetch from',
  [FetchErrorCode.Dns]: 'the host name could not be resolved',
  [FetchErrorCode.Connect]: 'the connection to the host failed',
  [FetchErrorCode.Timeout]: 'the host did not answer in time',
  [FetchErrorCode.TooLarge]: 'the response is larger than Admit reads',
  [FetchErrorCode.Redirect]: 'the host answered with a redirect, which Admit does not follow',
  [FetchErrorCode.Status]: 'the host answered with a status other than 200',
};

/** The caller-safe description of a fetch error code, or undefined for any other code. */
export function fetchErrorSummary(code: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(SUMMARIES, code) ? SUMMARIES[code as FetchErrorCode] : undefined;
}
