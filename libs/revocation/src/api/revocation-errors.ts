import { ApiError } from '@admit/platform';

/** Stable `error` codes of the revocation API. */
export const RevocationError = {
  InvalidRequest: 'invalid_request',
  UnknownField: 'unknown_field',
  InvalidKind: 'invalid_kind',
  InvalidValue: 'invalid_value',
  InvalidReason: 'invalid_reason',
  InvalidExpiresAt: 'invalid_expires_at',
  InvalidInclude: 'invalid_include',
  Exists: 'revocation_exists',
  NotActive: 'revocation_not_active',
  /** Stored, but not yet on the topic: not in force until the bus takes it (it is retried on its own). */
  Pending: 'revocation_pending',
} as const;
export type RevocationError = (typeof RevocationError)[keyof typeof RevocationError];

/** An ApiError whose body also names the revocation concerned (`revocation_id`). */
export class RevocationApiError extends ApiError {
  constructor(
    status: number,
    code: RevocationError,
    description: string,
    private readonly revocationId: string,
    headers: Record<string, string> = {},
  ) {
    super(status, code, description, headers);
  }

  override getResponse(): object {
    return { ...(super.getResponse() as object), revocation_id: this.revocationId };
  }
}
