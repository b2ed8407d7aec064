import { HttpError, RevocationError } from '@admit/contracts';

/** How a code answers over HTTP: its status, the code the body carries when not the same, and headers of its own. */
export interface ErrorAnswer {
  status: number;
  as?: string;
  headers?: (members: Record<string, string>) => Record<string, string>;
}

/**
 * The one table from a domain error's code (a RequestError or CodedError a service throws) to its
 * HTTP answer; HttpErrorFilter answers every route by it, the plain Fastify ones too. A RequestError
 * that names no status of its own and whose code is not here is a 400 (a denied registration: its RFC 7591 code, `invalid_request`, a
 * bad revocation value, …); any other error whose code is not here is a 500 `server_error`, logged.
 */
export const ERROR_STATUS: Record<string, ErrorAnswer> = {
  /** `GET /clients/{client_id}`: no client with this id is admitted now (RFC 6749 §5.2's code; the gateway names 401). */
  invalid_client: { status: 404 },
  // RFC 6750 §3.1: an admin bearer token missing or not valid, or without the route's scope.
  invalid_token: { status: 401 },
  insufficient_scope: { status: 403 },
  /** The gateway: a request its action map refuses. */
  access_denied: { status: 403 },
  [HttpError.UnsupportedMediaType]: { status: 415 },
  [HttpError.NotFound]: { status: 404 },
  [HttpError.TooManyRequests]: { status: 429 },
  [HttpError.ServerError]: { status: 500 },
  [HttpError.TemporarilyUnavailable]: { status: 503 },
  [HttpError.NotReady]: { status: 503 },
  // @admit/audit's AuditErrorCode: a refused filter or cursor.
  ERR_AUDIT_QUERY_INVALID: { status: 400, as: 'invalid_request' },
  ERR_AUDIT_CURSOR_INVALID: { status: 400 },
  [RevocationError.Exists]: { status: 409, headers: ({ revocation_id }) => ({ location: `/revocations/${revocation_id}` }) },
  [RevocationError.NotActive]: { status: 409 },
  [RevocationError.Pending]: { status: 503 },
};
