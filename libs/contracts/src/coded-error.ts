/**
 * The base of every Admit error, in the spirit of jose's JOSEError: a stable `code` that callers,
 * tests and the HTTP error filter match on (never the message), `name` the class's own, and the
 * `cause` when there is one. Codes follow the grammar in error-codes.ts.
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
}
