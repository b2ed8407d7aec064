// The gateway decision endpoint behind real nginx: `auth_request` to Admit's /gateway/decide in front
// of a loopback upstream that echoes what it received. Real: Debian's nginx with its own prefix and
// generated configuration, the built embedded app, PGlite, ES256 statements, client assertions and a
// forged admission token signed with jose; evidence read through the audit API. Nothing stubbed.
import { startEmbedded } from '@admit/launcher';
import { AdminScope } from '@admit/platform';
import { type CryptoKey, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, startAdmit } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { freePort, gatewayServerBlock, startNginx, TestNginx } from '../support/nginx';
import { signClientAssertion } from '../support/client-assertion';

const ADMIT_ISSUER = 'https://admit.test';
const ANCHOR_ISSUER = 'https://directory.example';
const PER_CLIENT = 40;
const ACTIONS = ['routes:', '  - { path: /admin/*, action: admin, sensitivity: sensitive }', '  - { methods: [GET, HEAD], path: "*", action: http_read }', '  - { path: "*", action: http_write }'];

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

describe('gateway decisions behind nginx auth_request (embedded)', () => {
  let dir: string;
  let anchor: TestAnchor;
  let clientKey: { privateKey: CryptoKey; jwk: Record<string, unknown> };
  let admit: AdmitUnderTest;
  let upstream: Server;
  let nginx: TestNginx;
  /** The same nginx, on another port, with the lines that show Admit's 429 and 503 as such. */
  let withStatuses: string;
  const reached: Echo[] = [];
  /** Every decision id nginx showed, by client: each must be stored exactly once. */
  const decisions = new Map<string, string[]>();
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-gateway-'));
    writeFileSync(join(dir, 'gateway-actions.yaml'), ACTIONS.join('\n'));
    anchor = await createTestAnchor(ANCHOR_ISSUER);
    const client = await generateKeyPair('ES256');
    clientKey = { privateKey: client.privateKey, jwk: { ...(await exportJWK(client.publicKey)), kid: 'client-1', alg: 'ES256' } };
    upstream = createServer((req, res) => {
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      reached.push(echo);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(echo));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    admit = await startAdmit(
      'embedded',
      {
        ADMIT_TRUST_ANCHORS_FILE: anchor.file,
        ADMIT_ISSUER,
        ADMIT_GATEWAY_ACTIONS_FILE: join(dir, 'gateway-actions.yaml'),
        ADMIT_RATE_LIMIT_PER_CLIENT: String(PER_CLIENT),
        ADMIT_RATE_LIMIT_WINDOW_S: '3600',
      },
      [AdminScope.RevocationsWrite],
    );
    const [port, statusPort] = [await freePort(), await freePort()];
    const common = { admit: admit.stack.intakeUrl, upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}` };
    const servers = gatewayServerBlock({ listen: `127.0.0.1:${port}`, ...common }) + gatewayServerBlock({ listen: `127.0.0.1:${statusPort}`, statuses: true, ...common });
    nginx = await startNginx(servers, port);
    withStatuses = `http://127.0.0.1:${statusPort}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
    await admit?.close();
    anchor?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const register = async (softwareId: string): Promise<{ clientId: string; admission: string }> => {
    const claims = { iss: ANCHOR_ISSUER, software_id: softwareId, redirect_uris: ['https://app.example/cb'], jwks: { keys: [clientKey.jwk] }, token_endpoint_auth_method: 'private_key_jwt' };
    const statement = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt().setExpirationTime('10m').sign(anchor.privateKey);
    const res = await fetch(`${admit.stack.intakeUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ software_statement: statement }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { client_id: string; admission: string };
    return { clientId: body.client_id, admission: body.admission };
  };
  const assertion = (clientId: string) => signClientAssertion(clientId, ADMIT_ISSUER, clientKey.privateKey);

  /** A request through nginx; the decision id it shows is kept for `clientId`. */
  const through = async (path: string, headers: Record<string, string>, clientId?: string, method = 'GET') => {
    const before = reached.length;
    const res = await fetch(`${nginx.url}${path}`, { method, headers });
    const text = await res.text();
    const decisionId = res.headers.get('admit-decision-id');
    if (clientId && decisionId) decisions.set(clientId, [...(decisions.get(clientId) ?? []), decisionId]);
    return { status: res.status, headers: res.headers, decisionId, echo: reached.length > before ? (JSON.parse(text) as Echo) : undefined };
  };
  const storedChecks = (clientId: string) =>
    admit.auditEvents({ client_id: clientId, type: 'admit.access.checked.v1' }, (events) => events.length >= (decisions.get(clientId) ?? []).length);

  it('allows a client with a client assertion, and passes Admit headers upstream in place of what the client sent', async () => {
    const { clientId } = await register(`allow-${run}`);
    const jwt = await assertion(clientId);
    const res = await through('/api/items?page=2', { 'x-client-assertion': jwt, 'admit-client-id': 'someone-else' }, clientId, 'POST');
    expect(res.status).toBe(200);
    expect(res.echo).toMatchObject({ method: 'POST', url: '/api/items?page=2' });
    const seen = res.echo?.headers ?? {};
    expect(seen['admit-client-id']).toBe(clientId);
    expect(seen['admit-decision-id']).toBe(res.decisionId);
    expect(seen['admit-decision-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(seen['admit-admission-expires-at'] as string)).toBeGreaterThan(Date.now());
    expect(seen['x-client-assertion']).toBeUndefined();

    const [event] = await storedChecks(clientId);
    expect(event.data).toMatchObject({ check_id: res.decisionId, decision: 'allow', action: 'http_write', resource: '/api/items' });
  });

  it('allows a client by its admission token, and denies by policy (403) what needs a client assertion', async () => {
    const { clientId, admission } = await register(`policy-${run}`);
    const read = await through('/reports/1', { 'x-admission-token': admission }, clientId);
    expect(read.status).toBe(200);
    expect(read.echo?.headers['admit-client-id']).toBe(clientId);
    expect(read.echo?.headers['x-admission-token']).toBeUndefined();

    // /admin/* is sensitive in the table: the default policies want proof of the client's key on the call.
    const admin = await through('/admin/users', { 'x-admission-token': admission }, clientId);
    expect({ status: admin.status, reached: admin.echo !== undefined }).toEqual({ status: 403, reached: false });
    const proven = await through('/admin/users', { 'x-admission-token': admission, 'x-client-assertion': await assertion(clientId) }, clientId);
    expect(proven.status).toBe(200);

    const events = await storedChecks(clientId);
    const denied = events.find((e) => e.data.check_id === admin.decisionId);
    expect(denied?.data).toMatchObject({ decision: 'deny', action: 'admin', resource: '/admin/users', reasons: [expect.objectContaining({ code: 'policy:sensitive-needs-client-assertion' })] });
  });

  it('denies a revoked client at once, right after an allow', async () => {
    const { clientId, admission } = await register(`revoked-${run}`);
    expect((await through('/api/items', { 'x-admission-token': admission }, clientId)).status).toBe(200);
    const revoked = await fetch(`${admit.stack.intakeUrl}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admit.adminToken}` },
      body: JSON.stringify({ kind: 'client_id', value: clientId, reason: 'e2e gateway revocation' }),
    });
    expect(revoked.status).toBe(201);
    const denied = await through('/api/items', { 'x-admission-token': admission }, clientId);
    expect({ status: denied.status, reached: denied.echo !== undefined }).toEqual({ status: 403, reached: false });
    const withAssertion = await through('/api/items', { 'x-client-assertion': await assertion(clientId) }, clientId);
    expect(withAssertion.status).toBe(403);

    const events = await storedChecks(clientId);
    expect(events.find((e) => e.data.check_id === denied.decisionId)?.data).toMatchObject({ decision: 'deny', reasons: [expect.objectContaining({ code: 'revoked:client_id' })] });
  });

  it('answers 401 with WWW-Authenticate when no proof is presented, and never reaches the upstream', async () => {
    const { clientId } = await register(`missing-${run}`);
    const bare: Record<string, string>[] = [{}, { 'admit-client-id': clientId }, { 'x-client-id': clientId }];
    for (const headers of bare) {
      const res = await through('/api/items', headers);
      expect({ status: res.status, reached: res.echo !== undefined, decision: res.decisionId }).toEqual({ status: 401, reached: false, decision: null });
      expect(res.headers.get('www-authenticate')).toBe(`Admit realm="${ADMIT_ISSUER}"`);
    }
  });

  it('answers 401 invalid_client to a replayed client assertion', async () => {
    const { clientId } = await register(`replay-${run}`);
    const jwt = await assertion(clientId);
    expect((await through('/api/items', { 'x-client-assertion': jwt }, clientId)).status).toBe(200);
    const replayed = await through('/api/other', { 'x-client-assertion': jwt }, clientId);
    expect({ status: replayed.status, reached: replayed.echo !== undefined }).toEqual({ status: 401, reached: false });
    expect(replayed.headers.get('www-authenticate')).toBe(`Admit realm="${ADMIT_ISSUER}", error="invalid_client"`);

    const events = await storedChecks(clientId);
    expect(events.find((e) => e.data.check_id === replayed.decisionId)?.data).toMatchObject({ decision: 'deny', reasons: [expect.objectContaining({ code: 'ERR_CLIENT_ASSERTION_REPLAYED' })] });
  });

  it('answers 401 invalid_token to a forged admission token', async () => {
    const { clientId, admission } = await register(`forged-${run}`);
    const victim = (await register(`victim-${run}`)).clientId;
    // Admit's claims and header, the subject changed, signed with an attacker's key under Admit's kid.
    const attacker = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...decodeJwt(admission), sub: victim }).setProtectedHeader(decodeProtectedHeader(admission) as { alg: string }).sign(attacker.privateKey);
    // And the genuine token with its payload swapped: the signature no longer covers it.
    const [header, , signature] = admission.split('.');
    const spliced = [header, Buffer.from(JSON.stringify({ ...decodeJwt(admission), sub: victim })).toString('base64url'), signature].join('.');
    for (const token of [forged, spliced, 'not-a-jwt']) {
      const res = await through('/api/items', { 'x-admission-token': token }, victim);
      expect({ status: res.status, reached: res.echo !== undefined, decision: res.decisionId }).toEqual({ status: 401, reached: false, decision: null });
      expect(res.headers.get('www-authenticate')).toBe(`Admit realm="${ADMIT_ISSUER}", error="invalid_token"`);
    }
    expect((await through('/api/items', { 'x-admission-token': admission }, clientId)).status).toBe(200);
  });

  it("shows Admit's 429 as nginx's 500, or as 429 with Retry-After given the status lines, with no request let through", async () => {
    const { clientId, admission } = await register(`throttled-${run}`);
    const statuses: number[] = [];
    // The window is an hour: at most one boundary falls inside the loop.
    for (let i = 0; i < 2 * PER_CLIENT + 1 && !statuses.includes(500); i++) statuses.push((await through('/api/items', { 'x-admission-token': admission }, clientId)).status);
    expect(statuses.at(-1)).toBe(500);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([200]));
    // A refused request made no decision: no decision id is shown for the 500, and no event is stored for it.
    expect(decisions.get(clientId)).toHaveLength(statuses.length - 1);
    const before = reached.length;
    const shown = await fetch(`${withStatuses}/api/items`, { headers: { 'x-admission-token': admission } });
    expect({ status: shown.status, retryAfter: Number(shown.headers.get('retry-after')), reached: reached.length > before }).toEqual({
      status: 429,
      retryAfter: expect.any(Number),
      reached: false,
    });
    expect(Number(shown.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("reads Envoy's form too: the original method, and the original path appended to /gateway/decide", async () => {
    const { clientId, admission } = await register(`envoy-${run}`);
    const ask = (method: string, path: string) => fetch(`${admit.stack.intakeUrl}/gateway/decide${path}`, { method, headers: { 'x-admission-token': admission } });
    const read = await ask('GET', '/api/items?page=2');
    expect({ status: read.status, client: read.headers.get('admit-client-id') }).toEqual({ status: 200, client: clientId });
    const write = await ask('DELETE', '/admin/users/7');
    expect(write.status).toBe(403);
    const root = await ask('POST', '');
    expect(root.status).toBe(200);
    // fetch itself resolves `%2e%2e` segments (WHATWG URL); an encoded slash reaches Admit as sent.
    const ambiguous = await ask('GET', '/public%2F..%2Fadmin/users');
    expect({ status: ambiguous.status, decision: ambiguous.headers.get('admit-decision-id') }).toEqual({ status: 403, decision: null });
    for (const res of [read, write, root]) decisions.set(clientId, [...(decisions.get(clientId) ?? []), res.headers.get('admit-decision-id') as string]);

    const events = await storedChecks(clientId);
    const byId = (res: Response) => events.find((e) => e.data.check_id === res.headers.get('admit-decision-id'))?.data;
    expect(byId(read)).toMatchObject({ decision: 'allow', action: 'http_read', resource: '/api/items' });
    expect(byId(write)).toMatchObject({ decision: 'deny', action: 'admin', resource: '/admin/users/7' });
    expect(byId(root)).toMatchObject({ decision: 'allow', action: 'http_write', resource: '/' });
  });

  it('refuses to start on an invalid action table, naming the variable, the route and the field', async () => {
    const file = join(dir, 'bad-actions.yaml');
    writeFileSync(file, 'routes:\n  - { path: /admin/*, action: admin, sensitivity: high }\n');
    const failure = startEmbedded({ env: { ADMIT_DATA_DIR: join(dir, 'never'), ADMIT_HTTP_PORT: '0', ADMIT_GATEWAY_ACTIONS_FILE: file } });
    await expect(failure).rejects.toThrow(/^embedded exited with 1 before it was ready:/);
    await expect(failure).rejects.toThrow(`admit: ADMIT_GATEWAY_ACTIONS_FILE=${file}: routes[0].sensitivity: must be equal to one of the allowed values (normal, sensitive); expected a readable YAML file`);
  });

  it('records each decision nginx asked for exactly once as admit.access.checked.v1', async () => {
    expect(decisions.size).toBeGreaterThan(0);
    for (const [clientId, ids] of decisions) {
      const events = await storedChecks(clientId);
      expect(events.map((e) => e.data.check_id).sort()).toEqual([...ids].sort());
    }
  });
});
