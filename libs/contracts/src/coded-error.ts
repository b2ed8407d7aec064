/**
 * The base of every Admit error, in the spirit of jose's JOSEError: a stable `code` that callers,
 * tests and the HTTP error filter match on (never the message), `name` the class's own, and the
 * `cause` when there is one. Codes follow ERROR_CODE_GRAMMAR (errors.ts).
 */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The base of an error class with one code: `class PolicyLoadError extends CodedError.with('ERR_POLICY_INVALID') {}`. */
  static with<C extends string>(code: C) {
    return class extends CodedError<C> {
      constructor(message: string, options?: { cause?: unknown }) {
        super(code, message, options);
      }
    };
  }
}

/**
 * A request refused for a reason its caller can act on, raised by the service that refuses it. The
 * HTTP error filter answers it with the status its code has in the one table (ERROR_STATUS in
 * @admit/platform): `{ error: code, error_description: message, ...members }`, or a problem, with
 * `headers` of its own (a guard's `WWW-Authenticate` challenge). `status` is for the one route that
 * answers a code otherwise than the table: the gateway's 401 `invalid_client` (RFC 6749 §5.2).
 */
export class RequestError<C extends string = string> extends CodedError<C> {
  constructor(
    code: C,
    message: string,
    /** When trying again may succeed: sent as `Retry-After`. `members`: more of the answer's body (`revocation_id`). */
    readonly details: { retryAfterS?: number; members?: Record<string, string>; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(code, message);
  }
}
