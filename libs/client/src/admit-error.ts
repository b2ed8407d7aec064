/**
 * An answer of Admit other than success, or no answer at all. `code` is the RFC 7591 / RFC 6749
 * `error` (`invalid_client`, `invalid_software_statement`, …), the RFC 9457 problem's `code` or
 * `type`, or, when Admit never answered, `network_error` / `timeout`.
 */
export class AdmitError extends Error {
  constructor(
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly code: string,
    readonly description: string,
    /** Seconds from `Retry-After`, when Admit sent one. */
    readonly retryAfterS?: number,
  ) {
    super(`${code}: ${description}`);
    this.name = 'AdmitError';
  }
}

/** The error an answer carries: `{error, error_description}` (RFC 7591) or `application/problem+json` (RFC 9457). */
export function errorOf(status: number, body: unknown, retryAfterS?: number): AdmitError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const code = text(b.error) ?? text(b.code) ?? text(b.type) ?? `http_${status}`;
  const description = text(b.error_description) ?? text(b.detail) ?? text(b.title) ?? `Admit answered ${status}`;
  return new AdmitError(status, code, description, retryAfterS);
}
