/** RFC 7591 §3.2.2 error codes, returned by `POST /register` and carried in decided events. */
export const RegistrationError = {
  InvalidRedirectUri: 'invalid_redirect_uri',
  InvalidClientMetadata: 'invalid_client_metadata',
  InvalidSoftwareStatement: 'invalid_software_statement',
  UnapprovedSoftwareStatement: 'unapproved_software_statement',
} as const;
export type RegistrationError = (typeof RegistrationError)[keyof typeof RegistrationError];

/** HTTP-level errors that never reach the pipeline. */
export const HttpError = {
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  TemporarilyUnavailable: 'temporarily_unavailable',
  /** 429 + `Retry-After`: past a rate limit of intake's public routes. */
  TooManyRequests: 'too_many_requests',
  NotFound: 'not_found',
  ServerError: 'server_error',
} as const;
export type HttpError = (typeof HttpError)[keyof typeof HttpError];

/** Stable codes of the revocation admin API (RFC 9457 problems' `code`). */
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

/** Why an event was dead-lettered. Stable codes: `instanceof` does not cross Kafka. */
export const DeadLetterReason = {
  /** Headers are not a CloudEvents 1.0 binary-mode envelope, or the body is not JSON. */
  Malformed: 'ERR_EVENT_MALFORMED',
  /** `ce_type` is not an event this topic carries. */
  UnknownType: 'ERR_EVENT_UNKNOWN_TYPE',
  /** The body does not match the schema of its type. */
  Invalid: 'ERR_EVENT_INVALID',
  /** The handler kept failing after every retry. */
  HandlerFailed: 'ERR_HANDLER_FAILED',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];
