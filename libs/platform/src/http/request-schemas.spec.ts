// Real: RequestSchemas with the route table and schemas of @admit/contracts, HttpErrorFilter, RequestError.
// The ExecutionContext, ArgumentsHost and reply are minimal stand-ins carrying what Nest and Fastify
// give them for an HTTP route (method, Fastify's route url, raw body, parsed query).
import { ArgumentsHost, ExecutionContext, NotFoundException } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { CodedError, HttpError, RegistrationError, RequestError, RevocationError } from '@admit/contracts';
import { errorAnswer, HttpErrorFilter } from './http-error.filter';
import { RequestSchemas } from './request-schemas';

interface Request {
  method: string;
  url: string;
  routeOptions: { url: string };
  body?: unknown;
  query: Record<string, unknown>;
}

function request(method: string, route: string, body?: string, query: Record<string, unknown> = {}): Request {
  return { method, url: route, routeOptions: { url: route }, body: body === undefined ? undefined : Buffer.from(body), query };
}

function context(req: Request): ExecutionContext {
  return { getType: () => 'http', switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

/** Runs the interceptor; the refusal it throws (status, code, description), or what the handler got. */
async function intercept(req: Request): Promise<{ passed: unknown } | { status: number; code: string; description: string }> {
  try {
    await lastValueFrom(new RequestSchemas().intercept(context(req), { handle: () => of('handled') }));
    return { passed: req.body };
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    return { status: errorAnswer(err).status, code: err.code, description: err.message };
  }
}

const REVOCATION = { kind: 'client_id', value: 'https://app.example/c.json', reason: 'leaked key' };
const revoke = (body: unknown) => request('POST', '/revocations', typeof body === 'string' ? body : JSON.stringify(body));

describe('RequestSchemas', () => {
  it('hands the handler the parsed body of a request its schema accepts', async () => {
    expect(await intercept(revoke(REVOCATION))).toEqual({ passed: REVOCATION });
    expect(await intercept(request('POST', '/access-checks', '{"client_id":"c_1","action":"read"}'))).toEqual({ passed: { client_id: 'c_1', action: 'read' } });
  });

  it.each([
    ['not JSON', '{"kind":', 'invalid_request', 'the request body is not valid JSON'],
    ['not an object', '[]', 'invalid_request', 'the request body must be a JSON object'],
    ['an unknown member', { ...REVOCATION, scope: 'all' }, 'ERR_REVOCATION_UNKNOWN_FIELD', '/scope: unknown member; allowed: kind, value, reason, expires_at'],
    ['an own __proto__ member', `{"__proto__":{"x":1},${JSON.stringify(REVOCATION).slice(1)}`, 'ERR_REVOCATION_UNKNOWN_FIELD', '/__proto__: unknown member; allowed: kind, value, reason, expires_at'],
    ['an unknown kind', { ...REVOCATION, kind: 'user' }, 'ERR_REVOCATION_KIND_INVALID', '/kind: must be one of client_id, software_id, anchor, jkt, origin, intermediate, trust_domain, spiffe_prefix, attester'],
    ['no kind', { value: 'x', reason: 'r' }, 'ERR_REVOCATION_KIND_INVALID', '/kind: Expected required property'],
    ['a value that is a number', { ...REVOCATION, value: 42 }, 'ERR_REVOCATION_VALUE_INVALID', '/value: Expected string'],
    ['an empty value', { ...REVOCATION, value: '' }, 'ERR_REVOCATION_VALUE_INVALID', '/value: Expected string length greater or equal to 1'],
    ['a value over 2048 characters', { ...REVOCATION, value: 'x'.repeat(2049) }, 'ERR_REVOCATION_VALUE_INVALID', '/value: Expected string length less or equal to 2048'],
    ['no reason', { kind: 'client_id', value: 'x' }, 'ERR_REVOCATION_REASON_INVALID', '/reason: Expected required property'],
    ['an empty reason', { ...REVOCATION, reason: '' }, 'ERR_REVOCATION_REASON_INVALID', '/reason: Expected string length greater or equal to 1'],
    ['expires_at as a number', { ...REVOCATION, expires_at: 1796000000 }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', '/expires_at: Expected string'],
    ['expires_at null', { ...REVOCATION, expires_at: null }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', '/expires_at: Expected string'],
    ['expires_at a date alone', { ...REVOCATION, expires_at: '2026-12-01' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', "/expires_at: Expected string to match 'date-time' format"],
    ['expires_at without an offset', { ...REVOCATION, expires_at: '2026-12-01T00:00:00' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', "/expires_at: Expected string to match 'date-time' format"],
    ['expires_at in HTTP-date form', { ...REVOCATION, expires_at: 'Tue, 01 Dec 2026 00:00:00 GMT' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', "/expires_at: Expected string to match 'date-time' format"],
  ])('POST /revocations with %s: 400 %s', async (_name, body, code, description) => {
    expect(await intercept(revoke(body))).toEqual({ status: 400, code, description });
  });

  it('GET /revocations: include must be lifted, given once', async () => {
    expect(await intercept(request('GET', '/revocations', undefined, { include: 'lifted' }))).toEqual({ passed: undefined });
    expect(await intercept(request('GET', '/revocations', undefined, {}))).toEqual({ passed: undefined });
    for (const include of ['everything', ['lifted', 'lifted']]) {
      expect(await intercept(request('GET', '/revocations', undefined, { include }))).toMatchObject({ status: 400, code: 'ERR_REVOCATION_INCLUDE_INVALID' });
    }
  });

  it.each([
    ['POST', '/register', '{"client_name":', 'invalid_client_metadata', 'the request body is not valid JSON'],
    ['POST', '/register', '{"redirect_uris":[1]}', 'invalid_redirect_uri', '/redirect_uris/0: Expected string'],
    ['POST', '/register', '{"redirect_uris":"https://a.example/cb"}', 'invalid_redirect_uri', '/redirect_uris: Expected array'],
    ['POST', '/register', `{"software_statement":"${'a'.repeat(16_385)}"}`, 'invalid_software_statement', '/software_statement: Expected string length less or equal to 16384'],
    ['POST', '/register', '{"client_name":7}', 'invalid_client_metadata', '/client_name: Expected string'],
    ['POST', '/admissions', '{}', 'invalid_client_metadata', '/client_id: Expected required property'],
    ['POST', '/admissions', '', 'invalid_client_metadata', 'the request body is empty'],
    // One request in two forms: refused for what the closest form lacks.
    ['POST', '/admissions', '{"client_assertion":"x.y.z"}', 'invalid_client_metadata', '/client_assertion_type: Expected required property'],
    ['POST', '/admissions', '{"client_assertion_type":"urn:ietf:params:oauth:client-assertion-type:jwt-bearer","client_assertion":"x.y.z"}', 'invalid_client_metadata', "/client_assertion_type: Expected 'urn:ietf:params:oauth:client-assertion-type:jwt-spiffe'"],
    ['POST', '/admissions', '{"client_id":"spiffe://td/a","client_assertion_type":"urn:ietf:params:oauth:client-assertion-type:jwt-spiffe","client_assertion":"x.y.z"}', 'invalid_client_metadata', '/client_id: unknown member; allowed: client_assertion_type, client_assertion'],
    ['POST', '/admissions', '{"client_id":"https://a.example/c.json","scope":"x"}', 'invalid_client_metadata', '/scope: unknown member; allowed: client_id, source'],
    ['POST', '/access-checks', '{"client_id":"c_1"}', 'invalid_request', '/action: Expected required property'],
    ['POST', '/access-checks', '{"client_id":"c_1","action":"a","context":{"x":1}}', 'invalid_request', '/context/x: unknown member; allowed: sensitivity'],
  ])('%s %s %s: 400 %s', async (method, route, body, code, description) => {
    expect(await intercept(request(method, route, body))).toEqual({ status: 400, code, description });
  });

  const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
  const LIMIT_1000 = "Expected string to match '^(1000|[1-9][0-9]{0,2})$'";
  const POINT = '[A-Za-z0-9._-]{1,249}:[0-9]{1,9}:[1-9][0-9]{0,15}';
  const EVENTS = 'GET /audit/events';
  const TIMELINE = 'GET /audit/clients/:client_id/timeline';

  it.each(([
    [EVENTS, { client_id: 'c_1', type: 'admit.access.checked.v1', decision: 'deny', ...WINDOW, limit: '1000', cursor: 'x' }],
    [EVENTS, { policy_version: `sha256:${'0'.repeat(64)}`, jkt: 'A'.repeat(43), limit: '1' }],
    [TIMELINE, { ...WINDOW, limit: '100' }],
    ['GET /audit/incidents', { anchor: 'acme', limit: '200' }],
    ['GET /audit/report', { ...WINDOW, format: 'html' }],
    ['GET /audit/checkpoints', { after: '9223372036854775807', limit: '1000' }],
    ['GET /audit/checkpoints', {}],
    ['GET /audit/links', { at: Array.from({ length: 500 }, (_, i) => `admit.dlq.v1:${i}:1`).join(',') }],
  ] as [string, Record<string, unknown>][]).map(([route, query]) => [route, JSON.stringify(query).slice(0, 60), query] as const))('%s accepts %s', async (route, _query, query) => {
    const [method, url] = route.split(' ');
    expect(await intercept(request(method, url, undefined, query))).toEqual({ passed: undefined });
  });

  it.each(([
    [EVENTS, { clientId: 'x' }, '/clientId: unknown parameter; allowed: client_id, type, from, to, anchor, origin, jkt, decision, policy_version, limit, cursor'],
    [EVENTS, { type: ['admit.dlq.v1', 'admit.dlq.v1'] }, '/type: may be given once'],
    [EVENTS, { type: 'admit.bogus.v1' }, expect.stringMatching(/^\/type: must be one of admit\.registration\.requested\.v1, .*, admit\.dlq\.v1$/)],
    [EVENTS, { client_id: '' }, '/client_id: Expected string length greater or equal to 1'],
    [EVENTS, { anchor: 'a'.repeat(2049) }, '/anchor: Expected string length less or equal to 2048'],
    [EVENTS, { origin: '' }, '/origin: Expected string length greater or equal to 1'],
    [EVENTS, { from: '2026-01-01T00:00:00' }, "/from: Expected string to match 'date-time' format"],
    [EVENTS, { to: 'yesterday' }, "/to: Expected string to match 'date-time' format"],
    [EVENTS, { decision: 'maybe' }, '/decision: must be one of allow, deny'],
    [EVENTS, { policy_version: 'v1' }, "/policy_version: Expected string to match '^sha256:[0-9a-f]{64}$'"],
    [EVENTS, { jkt: 'abc' }, "/jkt: Expected string to match '^[A-Za-z0-9_-]{43}$'"],
    [EVENTS, { limit: '0' }, `/limit: ${LIMIT_1000}`],
    [EVENTS, { limit: '1001' }, `/limit: ${LIMIT_1000}`],
    [EVENTS, { limit: '1e3' }, `/limit: ${LIMIT_1000}`],
    [EVENTS, { cursor: ['a', 'b'] }, '/cursor: may be given once'],
    [TIMELINE, { client_id: 'c_1' }, '/client_id: unknown parameter; allowed: from, to, limit, cursor'],
    [TIMELINE, { limit: '-1' }, `/limit: ${LIMIT_1000}`],
    ['GET /audit/incidents', { anchor: 'acme', limit: '201' }, "/limit: Expected string to match '^(200|1[0-9]{2}|[1-9][0-9]?)$'"],
    ['GET /audit/incidents', { anchor: 'acme', type: 'admit.dlq.v1' }, '/type: unknown parameter; allowed: anchor, origin, jkt, from, to, limit, cursor'],
    ['GET /audit/report', {}, '/from: Expected required property'],
    ['GET /audit/report', { from: WINDOW.from }, '/to: Expected required property'],
    ['GET /audit/report', { ...WINDOW, format: 'pdf' }, '/format: must be one of json, html'],
    ['GET /audit/report', { ...WINDOW, format: ['json', 'html'] }, '/format: may be given once'],
    ['GET /audit/report', { ...WINDOW, limit: '10' }, '/limit: unknown parameter; allowed: from, to, format'],
    ['GET /audit/report', { ...WINDOW, cursor: 'x' }, '/cursor: unknown parameter; allowed: from, to, format'],
    ['GET /audit/checkpoints', { after: '-1' }, "/after: Expected string to match '^(0|[1-9][0-9]{0,18})$'"],
    ['GET /audit/checkpoints', { after: '1e3' }, "/after: Expected string to match '^(0|[1-9][0-9]{0,18})$'"],
    ['GET /audit/checkpoints', { after: '9'.repeat(20) }, "/after: Expected string to match '^(0|[1-9][0-9]{0,18})$'"],
    ['GET /audit/checkpoints', { after: ['1', '2'] }, '/after: may be given once'],
    ['GET /audit/checkpoints', { limit: '10.5' }, `/limit: ${LIMIT_1000}`],
    ['GET /audit/checkpoints', { seq: '1' }, '/seq: unknown parameter; allowed: after, limit'],
    ['GET /audit/links', {}, '/at: Expected required property'],
    ...['t:0:0', "t';drop:0:1", 't:0:1,', Array.from({ length: 501 }, () => 't:0:1').join(',')].map(
      (at) => ['GET /audit/links', { at }, `/at: Expected string to match '^${POINT}(,${POINT}){0,499}$'`] as const,
    ),
    ['GET /audit/links', { at: 't:0:1', limit: '1' }, '/limit: unknown parameter; allowed: at'],
  ] as [string, Record<string, unknown>, unknown][]).map(([route, query, description]) => [route, JSON.stringify(query).slice(0, 60), query, description]))('%s refuses %s: 400 invalid_request', async (route, _query, query, description) => {
    const [method, url] = route.split(' ');
    expect(await intercept(request(method, url, undefined, query as Record<string, unknown>))).toEqual({ status: 400, code: 'invalid_request', description });
  });

  it('leaves routes without schemas alone (the gateway reads no body)', async () => {
    const raw = request('POST', '/gateway/decide', 'anything');
    expect(await intercept(raw)).toEqual({ passed: Buffer.from('anything') });
  });
});

/** What HttpErrorFilter sends for an exception raised while answering `req`. */
function answered(exception: unknown, req: Pick<Request, 'method' | 'url'>): { status: number; headers: Record<string, string>; body: unknown } {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const reply = {
    status: (s: number) => ((sent.status = s), reply),
    headers: (h: Record<string, string>) => ((sent.headers = h), reply),
    send: (b: unknown) => ((sent.body = b), reply),
  };
  new HttpErrorFilter().catch(exception, { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => req }) } as unknown as ArgumentsHost);
  return sent;
}

describe('HttpErrorFilter', () => {
  it('answers admin and audit routes with an RFC 9457 problem carrying the code and every other member', () => {
    const error = new RequestError('invalid_token', 'the admin token is not valid', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="admit"' } });
    expect(answered(error, { method: 'GET', url: '/audit/events?limit=1' })).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="admit"', 'content-type': 'application/problem+json' },
      body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'the admin token is not valid', code: 'invalid_token' },
    });
    const exists = new RequestError(RevocationError.Exists, 'already revoked', { members: { revocation_id: 'r1' } });
    expect(answered(exists, { method: 'POST', url: '/revocations' })).toEqual({
      status: 409,
      headers: { location: '/revocations/r1', 'content-type': 'application/problem+json' },
      body: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'already revoked', code: 'ERR_REVOCATION_EXISTS', revocation_id: 'r1' },
    });
  });

  it('answers a domain error by its code in ERROR_STATUS, with Retry-After when it says when to try again', () => {
    expect(answered(new RequestError(HttpError.TooManyRequests, 'slow down', { retryAfterS: 7 }), { method: 'POST', url: '/access-checks' })).toEqual({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: 'ERR_TOO_MANY_REQUESTS', error_description: 'slow down' },
    });
    expect(answered(new RequestError(RegistrationError.InvalidSoftwareStatement, 'older'), { method: 'POST', url: '/register' })).toMatchObject({ status: 400, body: { error: 'invalid_software_statement' } });
    expect(answered(new RequestError('invalid_client', 'not admitted'), { method: 'GET', url: '/clients/c_1' })).toMatchObject({ status: 404, body: { error: 'invalid_client' } });
    const query = new CodedError('ERR_AUDIT_QUERY_INVALID', 'limit must be a number');
    expect(answered(query, { method: 'GET', url: '/audit/events' })).toMatchObject({ status: 400, body: { code: 'invalid_request', detail: 'limit must be a number' } });
    expect(answered(new CodedError('ERR_AUDIT_CURSOR_INVALID', 'forged'), { method: 'GET', url: '/audit/events' })).toMatchObject({ status: 400, body: { code: 'ERR_AUDIT_CURSOR_INVALID' } });
    // A refused request whose code has no row of its own is the caller's to fix: 400.
    expect(answered(new RequestError('ERR_CIMD_URL_INVALID', 'not a URL'), { method: 'POST', url: '/register' })).toEqual({
      status: 400,
      headers: {},
      body: { error: 'ERR_CIMD_URL_INVALID', error_description: 'not a URL' },
    });
  });

  it('answers a coded error whose code is not in the table as an internal error, without its message', () => {
    for (const code of ['ERR_POLICY_NOT_READY', 'constructor', 'toString']) {
      expect(answered(new CodedError(code, 'secret detail'), { method: 'POST', url: '/register' })).toEqual({
        status: 500,
        headers: {},
        body: { error: 'server_error', error_description: 'internal error' },
      });
    }
  });

  it('answers a wrong method on an admin route 405 as a problem, with Allow', () => {
    expect(answered(new NotFoundException('Cannot POST /revocations/x'), { method: 'POST', url: '/revocations/x' })).toEqual({
      status: 405,
      headers: { allow: 'GET, DELETE, HEAD', 'content-type': 'application/problem+json' },
      body: { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: 'POST is not allowed here; allowed: GET, DELETE, HEAD', code: 'ERR_METHOD_NOT_ALLOWED' },
    });
  });

  it('keeps the RFC 7591 shape on OAuth, client and access routes', () => {
    for (const url of ['/register', '/admissions', '/clients/c_1', '/access-checks']) {
      expect(answered(new RequestError('invalid_client_metadata', 'bad'), { method: 'POST', url })).toEqual({
        status: 400,
        headers: {},
        body: { error: 'invalid_client_metadata', error_description: 'bad' },
      });
    }
  });
});
