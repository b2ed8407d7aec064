/**
 * The error codes registered by the OAuth RFCs that Admit answers with (RFC 6749 §4.1.2.1 and §5.2,
 * RFC 6750 §3.1, RFC 7591 §3.2.2). On OAuth routes these stay as the RFCs spell them; every other
 * code is Admit's own and follows ERROR_CODE_GRAMMAR.
 */
export const RFC_ERROR_CODES = [
  ...['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'],
  ...['access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope'],
  ...['invalid_redirect_uri', 'invalid_client_metadata', 'invalid_software_statement', 'unapproved_software_statement'],
] as const;

/**
 * Every code Admit emits (an HTTP `error`, a problem's `code`, a reason's `code` in an event):
 * `rfc-code | "ERR_" [A-Z0-9_]+ | "policy:" policy-id | "revoked:" revocation-kind`. See docs/errors.md.
 */
export const ERROR_CODE_GRAMMAR = new RegExp(`^(?:${RFC_ERROR_CODES.join('|')}|ERR_[A-Z0-9_]+|policy:\\S+|revoked:[a-z_]+)$`);

/** The reason code of a Cedar policy that determined a decision. */
export function policyCode(policyId: string): string {
  return `policy:${policyId}`;
}

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
  PayloadTooLarge: 'ERR_PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  /** RFC 6749 §4.1.2.1; 503 + `Retry-After`. */
  TemporarilyUnavailable: 'temporarily_unavailable',
  /** 429 + `Retry-After`: past a rate limit of intake's public routes. */
  TooManyRequests: 'ERR_TOO_MANY_REQUESTS',
  NotFound: 'ERR_NOT_FOUND',
  MethodNotAllowed: 'ERR_METHOD_NOT_ALLOWED',
  /** `GET /health/ready`: what the service still waits for. */
  NotReady: 'ERR_NOT_READY',
  /** RFC 6749 §4.1.2.1. */
  ServerError: 'server_error',
} as const;
export type HttpError = (typeof HttpError)[keyof typeof HttpError];

/** Stable codes of the revocation admin API (RFC 9457 problems' `code`). */
export const RevocationError = {
  InvalidRequest: 'invalid_request',
  UnknownField: 'ERR_REVOCATION_UNKNOWN_FIELD',
  InvalidKind: 'ERR_REVOCATION_KIND_INVALID',
  InvalidValue: 'ERR_REVOCATION_VALUE_INVALID',
  InvalidReason: 'ERR_REVOCATION_REASON_INVALID',
  InvalidExpiresAt: 'ERR_REVOCATION_EXPIRES_AT_INVALID',
  InvalidInclude: 'ERR_REVOCATION_INCLUDE_INVALID',
  Exists: 'ERR_REVOCATION_EXISTS',
  NotActive: 'ERR_REVOCATION_NOT_ACTIVE',
  /** Stored, but not yet on the topic: not in force until the bus takes it (it is retried on its own). */
  Pending: 'ERR_REVOCATION_PENDING',
} as const;
export type RevocationError = (typeof RevocationError)[keyof typeof RevocationError];

/** Reason codes of decisions that name no policy (a policy's own is `policy:<id>`, a revocation's `revoked:<kind>`). */
export const DecisionReason = {
  /** Cedar could not evaluate a policy (its message is the description). */
  PolicyEvaluation: 'ERR_POLICY_EVALUATION',
  /** No policy permits the request, and none explains the deny. */
  NoPermit: 'ERR_NO_PERMIT',
  /** An access check for an action the registration policies use. */
  ActionReserved: 'ERR_ACTION_RESERVED',
  /** An access check for a client with no live admission. */
  NotAdmitted: 'ERR_NOT_ADMITTED',
  /** A software statement's new admission replaces the one on an earlier statement. */
  ReplacesAdmission: 'ERR_REPLACES_ADMISSION',
  /** A software statement older than the one behind the live admission. */
  StatementSuperseded: 'ERR_STATEMENT_SUPERSEDED',
} as const;
export type DecisionReason = (typeof DecisionReason)[keyof typeof DecisionReason];

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
