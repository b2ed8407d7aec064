import { Problem, RegistrationError } from '@admit/contracts';

/** Stable codes for CIMD problems; `instanceof` does not cross Kafka, these strings do. */
export const CimdErrorCode = {
  UrlInvalid: 'ERR_CIMD_URL_INVALID',
  UrlNotHttps: 'ERR_CIMD_URL_NOT_HTTPS',
  UrlUserinfo: 'ERR_CIMD_URL_USERINFO',
  UrlFragment: 'ERR_CIMD_URL_FRAGMENT',
  UrlDotSegment: 'ERR_CIMD_URL_DOT_SEGMENT',
  UrlNoPath: 'ERR_CIMD_URL_NO_PATH',
  UrlNotCanonical: 'ERR_CIMD_URL_NOT_CANONICAL',
  UrlTrailingDot: 'ERR_CIMD_URL_TRAILING_DOT',
  /** Served with a Content-Type other than application/json or a `+json` type. */
  ContentType: 'ERR_CIMD_CONTENT_TYPE',
  DocumentNotUtf8: 'ERR_CIMD_DOCUMENT_NOT_UTF8',
  DocumentNotJson: 'ERR_CIMD_DOCUMENT_NOT_JSON',
  DocumentNotObject: 'ERR_CIMD_DOCUMENT_NOT_OBJECT',
  DocumentTooDeep: 'ERR_CIMD_DOCUMENT_TOO_DEEP',
  DocumentForbiddenKey: 'ERR_CIMD_DOCUMENT_FORBIDDEN_KEY',
  ClientIdMissing: 'ERR_CIMD_CLIENT_ID_MISSING',
  ClientIdMismatch: 'ERR_CIMD_CLIENT_ID_MISMATCH',
  ClientSecret: 'ERR_CIMD_CLIENT_SECRET',
  SecretAuthMethod: 'ERR_CIMD_SECRET_AUTH_METHOD',
  PrivateKey: 'ERR_CIMD_PRIVATE_KEY',
  /** The fetch failed with something other than a FetchError: a bug, reported without detail. */
  FetchFailed: 'ERR_CIMD_FETCH_FAILED',
} as const;
export type CimdErrorCode = (typeof CimdErrorCode)[keyof typeof CimdErrorCode];

/** Every CIMD problem answers a registering caller with invalid_client_metadata (RFC 7591 §3.2.2). */
export function cimdProblem(code: string, description: string): Problem {
  return { code, error: RegistrationError.InvalidClientMetadata, description };
}

/** Attacker-chosen text is quoted and cut short before it goes into a description. */
export function quote(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value.slice(0, 256) : value) ?? String(value);
}
