import { TSchema } from '@sinclair/typebox';
import { AccessCheckAnswer, AccessCheckRequest } from './access-check';
import {
  AdmissionRequest,
  AdmittedClientSchema,
  AuditAnswer,
  ErrorResponseSchema,
  HealthAnswer,
  JwksSchema,
  RegisterRequest,
  RevocationRequest,
  RevocationViewSchema,
} from './schemas';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** The methods an `@All` route (the gateway's) is documented under: those gateways forward. */
export const ALL_METHODS: HttpMethod[] = ['get', 'post', 'put', 'delete', 'patch'];

interface Answer {
  description: string;
  schema?: TSchema;
  /** Default application/json. */
  contentType?: string;
}

/** One route Admit serves over HTTP; the OpenAPI document and 405 + Allow are built from these. */
export interface HttpRoute {
  method: HttpMethod;
  /** An OpenAPI path template: `/clients/{client_id}`. */
  path: string;
  summary: string;
  tag: string;
  /** Needs a bearer admin token (ADMIT_ADMIN_TOKENS_FILE). */
  admin?: boolean;
  parameters?: { name: string; in: 'path' | 'query'; description: string }[];
  request?: TSchema;
  responses: Record<number, Answer>;
}

const error = (description: string): Answer => ({ description, schema: ErrorResponseSchema });
const busy = { 429: error('Past a rate limit; Retry-After says when to try again.'), 503: error('No decision in time, or not ready; Retry-After says when to try again.') };
const admin = { 401: error('No or unknown admin token.'), 403: error('The admin token lacks the scope.') };
const auditQuery = (what: string): HttpRoute['parameters'] => [{ name: 'from', in: 'query', description: `Filters of ${what}: see docs/audit.md.` }];
const audit = (path: string, summary: string, parameters?: HttpRoute['parameters']): HttpRoute => ({
  method: 'get',
  path,
  summary,
  tag: 'audit',
  admin: true,
  parameters,
  responses: { 200: { description: 'See docs/audit.md.', schema: AuditAnswer }, 400: error('A filter is invalid.'), ...admin },
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
    responses: { 201: { description: 'Admitted.', schema: AdmittedClientSchema }, 400: error('Denied, with the RFC 7591 error code.'), ...busy },
  },
  {
    method: 'post',
    path: '/admissions',
    summary: 'Admission by Client ID Metadata Document or OpenID Federation trust chain.',
    tag: 'registration',
    request: AdmissionRequest,
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
    responses: { 201: { description: 'In force.', schema: RevocationViewSchema }, 400: error('The request is malformed.'), ...admin },
  },
  {
    method: 'get',
    path: '/revocations',
    summary: 'Revocations in force (include=all: lifted and expired too).',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'include', in: 'query', description: '`all` to list lifted and expired ones too.' }],
    responses: { 200: { description: 'Revocations.', schema: { type: 'array', items: RevocationViewSchema } as unknown as TSchema }, ...admin },
  },
  {
    method: 'get',
    path: '/revocations/{id}',
    summary: 'One revocation.',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'id', in: 'path', description: 'The revocation id.' }],
    responses: { 200: { description: 'The revocation.', schema: RevocationViewSchema }, 404: error('No such revocation.'), ...admin },
  },
  {
    method: 'delete',
    path: '/revocations/{id}',
    summary: 'Lift a revocation.',
    tag: 'revocations',
    admin: true,
    parameters: [{ name: 'id', in: 'path', description: 'The revocation id.' }],
    responses: { 204: { description: 'Lifted.' }, 404: error('No such revocation.'), 409: error('Already lifted or expired.'), ...admin },
  },
  audit('/audit/events', 'Stored events, filtered and paged.', auditQuery('events')),
  { ...audit('/audit/clients/{client_id}/timeline', 'One client’s events in order.'), parameters: [{ name: 'client_id', in: 'path', description: 'The client id, percent-encoded.' }] },
  audit('/audit/incidents', 'Denials and revocations in a window.', auditQuery('incidents')),
  audit('/audit/report', 'The evidence report (JSON or HTML).', auditQuery('the report')),
  audit('/audit/verify', 'Verify the hash chains and checkpoints.'),
  audit('/audit/checkpoints', 'Stored signed checkpoints.'),
  audit('/audit/links', 'Chain links at given points.'),
  { method: 'get', path: '/health/live', summary: 'The process is up.', tag: 'operations', responses: { 200: { description: 'Up.', schema: HealthAnswer } } },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Every dependency is ready.',
    tag: 'operations',
    responses: { 200: { description: 'Ready.', schema: HealthAnswer }, 503: error('not_ready: what is missing.') },
  },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics.', tag: 'operations', responses: { 200: { description: 'Prometheus text format.', contentType: 'text/plain' } } },
];

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
