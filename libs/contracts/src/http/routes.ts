import { TSchema } from '@sinclair/typebox';
import { RegistrationError, RevocationError } from '../errors';
import { AccessCheckAnswer, AccessCheckRequest } from './access-check';
import { AuditCheckpointsQuery, AuditEventsQuery, AuditIncidentsQuery, AuditLinksQuery, AuditReportQuery, AuditTimelineQuery } from './audit-queries';
import {
  AdmissionRequest,
  AdmittedClientSchema,
  AuditAnswer,
  ErrorResponseSchema,
  HealthAnswer,
  JwksSchema,
  ProblemSchema,
  RegisterRequest,
  RevocationRequest,
  RevocationsQuery,
  RevocationViewSchema,
} from './schemas';

/** OAuth attestation-based client authentication: an agent's attestation and its proof of possession (contracts 1.6.0). */
const ATTESTATION_HEADERS: NonNullable<HttpRoute['parameters']> = [
  { name: 'OAuth-Client-Attestation', in: 'header', description: "An attester's signed client attestation (typ oauth-client-attestation+jwt) binding the agent's key (cnf.jwk) to its client id (sub)." },
  {
    name: 'OAuth-Client-Attestation-PoP',
    in: 'header',
    description: "The agent's proof of possession (typ oauth-client-attestation-pop+jwt), signed with the bound key: aud = Admit's issuer, iat within the last 60 s, a jti accepted once.",
  },
];

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The methods an `@All` route (the gateway's) is documented under: those gateways forward. */
export const ALL_METHODS: HttpMethod[] = ['get', 'post', 'put', 'delete', 'patch'];

interface Answer {
  description: string;
  schema?: TSchema;
  /** Default application/json. */
  contentType?: string;
}

/**
 * The codes of a 400 for a request its schemas refuse: the code of the first member at fault
 * (`fields`, by top-level name), `unknownField` for a member an object schema does not allow, else `code`.
 */
export interface Refusal {
  code: string;
  fields?: Record<string, string>;
  unknownField?: string;
}

/**
 * One route Admit serves over HTTP. The OpenAPI document, 405 + Allow, and the checks of every
 * request (`request`, `query`, and the codes of their refusals) are built from these.
 */
export interface HttpRoute {
  method: HttpMethod;
  /** An OpenAPI path template: `/clients/{client_id}`. */
  path: string;
  summary: string;
  tag: string;
  /** Needs a bearer admin token (ADMIT_ADMIN_TOKENS_FILE). */
  admin?: boolean;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; description: string }[];
  /** The JSON body. */
  request?: TSchema;
  /** The query string; its parameters are documented from it (after those of `parameters`). */
  query?: TSchema;
  /** Default `invalid_request` for every member. */
  refusal?: Refusal;
  responses: Record<number, Answer>;
}

const error = (description: string): Answer => ({ description, schema: ErrorResponseSchema });
const busy = { 429: error('Past a rate limit; Retry-After says when to try again.'), 503: error('No decision in time, or not ready; Retry-After says when to try again.') };
/** Admin and audit routes answer RFC 9457 problem details. */
const problem = (description: string): Answer => ({ description, schema: ProblemSchema, contentType: PROBLEM_CONTENT_TYPE });
const admin = { 401: problem('No or unknown admin token (invalid_token).'), 403: problem('The admin token lacks the scope (insufficient_scope).') };
const audit = (path: string, summary: string, query?: TSchema): HttpRoute => ({
  method: 'get',
  path,
  summary,
  tag: 'audit',
  admin: true,
  ...(query ? { query } : {}),
  responses: { 200: { description: 'See docs/audit.md.', schema: AuditAnswer }, 400: problem('A filter is invalid (invalid_request, ERR_AUDIT_CURSOR_INVALID).'), ...admin },
});

/** The gateway subrequest (nginx auth_request, Envoy ext_authz), answered for any method and any path below it. */
const gateway = (path: string): HttpRoute[] =>
  ALL_METHODS.map((method) => ({
    method,
    path,
    summary: 'Gateway decision for the original request (X-Original-Method / X-Original-URI, or the method and the path appended): 200 allows, 403 denies, 401 asks for the client\'s proof. See docs/integrating.md#gateways.',
    tag: 'gateway',
    ...(path.endsWith('{path}') ? { parameters: [{ name: 'path', in: 'path' as const, description: 'The original path, appended (may hold slashes).' }] } : {}),
    responses: { 200: { description: 'Allowed.', schema: AccessCheckAnswer }, 401: error('The client\'s proof is missing or invalid.'), 403: { description: 'Denied.', schema: AccessCheckAnswer }, ...busy },
  }));

/** Every route of every Admit app (embedded mode serves them all on one port). */
export const HTTP_ROUTES: HttpRoute[] = [
  ...gateway('/gateway/decide'),
  ...gateway('/gateway/decide/{path}'),
  {
    method: 'post',
    path: '/register',
    summary: 'RFC 7591 dynamic registration: plain metadata or a software statement.',
    tag: 'registration',
    request: RegisterRequest,
    refusal: {
      code: RegistrationError.InvalidClientMetadata,
      fields: { redirect_uris: RegistrationError.InvalidRedirectUri, software_statement: RegistrationError.InvalidSoftwareStatement },
    },
    responses: { 201: { description: 'Admitted.', schema: AdmittedClientSchema }, 400: error('Denied, with the RFC 7591 error code.'), ...busy },
  },
  {
    method: 'post',
    path: '/admissions',
    summary: 'Admission by Client ID Metadata Document, OpenID Federation trust chain, SPIFFE JWT-SVID or client attestation.',
    tag: 'registration',
    parameters: ATTESTATION_HEADERS,
    request: AdmissionRequest,
    refusal: { code: RegistrationError.InvalidClientMetadata },
    responses: { 200: { description: 'Admitted.', schema: AdmittedClientSchema }, 400: error('Denied, with the precise code.'), ...busy },
  },
  {
    method: 'get',
    path: '/clients/{client_id}',
    summary: 'The metadata admitted for a client right now; a CIMD or federation client is admitted on demand.',
    tag: 'clients',
    parameters: [{ name: 'client_id', in: 'path', description: 'The client id, percent-encoded as one path segment.' }],
    responses: { 200: { description: 'Admitted now.', schema: AdmittedClientSchema }, 404: error('invalid_client: unknown, denied, revoked or expired.'), ...busy },
  },
  {
    method: 'post',
    path: '/access-checks',
    summary: 'May this admitted client do this action now?',
    tag: 'access',
    parameters: ATTESTATION_HEADERS,
    request: AccessCheckRequest,
    responses: { 200: { description: 'The decision.', schema: AccessCheckAnswer }, 400: error('The request is malformed.'), ...busy },
  },
  { method: 'get', path: '/.well-known/jwks.json', summary: 'The keys admission tokens are signed with.', tag: 'keys', responses: { 200: { description: 'JWK Set.', schema: JwksSchema } } },
  {
    method: 'get',
    path: '/.well-known/audit-checkpoint-jwks.json',
    summary: 'The keys audit checkpoints are signed with.',
    tag: 'keys',
    responses: { 200: { description: 'JWK Set.', schema: JwksSchema } },
  },
  { method: 'get', path: '/openapi.json', summary: 'This document.', tag: 'operations', responses: { 200: { description: 'OpenAPI 3.1.' } } },
  {
    method: 'post',
    path: '/revocations',
    summary: 'Revoke a client id, software id, anchor, key thumbprint or origin.',
    tag: 'revocations',
    admin: true,
    request: RevocationRequest,
    refusal: {
      code: RevocationError.InvalidRequest,
      unknownField: RevocationError.UnknownField,
      fields: { kind: RevocationError.InvalidKind, value: RevocationError.InvalidValue, reason: RevocationError.InvalidReason, expires_at: RevocationError.InvalidExpiresAt },
    },
    responses: {
      201: { description: 'In force.', schema: RevocationViewSchema },
      400: problem('The request is malformed: invalid_request, ERR_REVOCATION_UNKNOWN_FIELD, ERR_REVOCATION_KIND_INVALID, ERR_REVOCATION_VALUE_INVALID, ERR_REVOCATION_REASON_INVALID or ERR_REVOCATION_EXPIRES_AT_INVALID.'),
      409: problem('The subject is already revoked (ERR_REVOCATION_EXISTS, with revocation_id).'),
      503: problem('Stored but not yet in force (ERR_REVOCATION_PENDING, with revocation_id); Retry-After says when to look again.'),
      ...admin,
    },
  },
  {
    method: 'get',
    path: '/revocations',
    summary: 'Revocations in force (include=lifted: lifted and expired too).',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'include', in: 'query', description: '`lifted` to list lifted and expired ones too.' }],
    query: RevocationsQuery,
    refusal: { code: RevocationError.InvalidInclude },
    responses: {
      200: { description: 'Revocations.', schema: { type: 'array', items: RevocationViewSchema } as unknown as TSchema },
      400: problem('include is not lifted (ERR_REVOCATION_INCLUDE_INVALID).'),
      ...admin,
    },
  },
  {
    method: 'get',
    path: '/revocations/{id}',
    summary: 'One revocation.',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'id', in: 'path', description: 'The revocation id.' }],
    responses: { 200: { description: 'The revocation.', schema: RevocationViewSchema }, 404: problem('No such revocation (ERR_NOT_FOUND).'), ...admin },
  },
  {
    method: 'delete',
    path: '/revocations/{id}',
    summary: 'Lift a revocation.',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'id', in: 'path', description: 'The revocation id.' }],
    responses: {
      204: { description: 'Lifted.' },
      404: problem('No such revocation (ERR_NOT_FOUND).'),
      409: problem('Already lifted or expired (ERR_REVOCATION_NOT_ACTIVE, with revocation_id).'),
      503: problem('Stored but not yet in force (ERR_REVOCATION_PENDING, with revocation_id).'),
      ...admin,
    },
  },
  audit('/audit/events', 'Stored events, filtered and paged.', AuditEventsQuery),
  {
    ...audit('/audit/clients/{client_id}/timeline', 'One client’s events in order.', AuditTimelineQuery),
    parameters: [{ name: 'client_id', in: 'path', description: 'The client id, percent-encoded.' }],
  },
  audit('/audit/incidents', 'Denials and revocations in a window.', AuditIncidentsQuery),
  audit('/audit/report', 'The evidence report (JSON or HTML).', AuditReportQuery),
  audit('/audit/verify', 'Verify the hash chains and checkpoints.'),
  audit('/audit/checkpoints', 'Stored signed checkpoints.', AuditCheckpointsQuery),
  audit('/audit/links', 'Chain links at given points.', AuditLinksQuery),
  { method: 'get', path: '/health/live', summary: 'The process is up.', tag: 'operations', responses: { 200: { description: 'Up.', schema: HealthAnswer } } },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Every dependency is ready.',
    tag: 'operations',
    responses: { 200: { description: 'Ready.', schema: HealthAnswer }, 503: error('ERR_NOT_READY: what is missing.') },
  },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics.', tag: 'operations', responses: { 200: { description: 'Prometheus text format.', contentType: 'text/plain' } } },
];

/** Whether errors at a URL (query left off) are RFC 9457 problem details: those of admin and audit routes. */
export function answersProblems(url: string): boolean {
  const path = url.split('?')[0];
  return HTTP_ROUTES.some((r) => r.admin && matches(r.path, path));
}

/** Whether a concrete URL path matches a path template (`{x}` is one non-empty segment). */
function matches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((part, i) => (/^\{[^}]+\}$/.test(part) ? p[i].length > 0 : part === p[i]));
}

/** The methods Admit serves at a URL path (query left off), upper case, for `Allow`; empty if none. */
export function allowedMethods(url: string): string[] {
  const path = url.split('?')[0];
  const methods = HTTP_ROUTES.filter((r) => matches(r.path, path)).map((r) => r.method.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  return [...new Set(methods)];
}
