// Real: AdmitClient, jose, fetch, a loopback HTTP server standing in for Admit whose answers each
// test scripts. Nothing stubbed inside the client.
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { rejectedBy } from '@admit/contracts/testing';
import { AdmitClient, AdmitClientOptions } from './admit-client';
import { AdmitError } from './admit-error';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('AdmitClient', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let seen: { method: string; url: string; body: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (seen = []));

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const client = (options: Partial<AdmitClientOptions> = {}) => new AdmitClient({ baseUrl: base, retryBaseMs: 1, ...options });
  const refusal = (call: Promise<unknown>) => rejectedBy(AdmitError, call);

  it('resolves a client id percent-encoded as one path segment', async () => {
    const answer = { client_id: 'https://app.example/c.json', client_id_issued_at: 1, client_id_expires_at: 2, admission: 'x', redirect_uris: ['https://app.example/cb'] };
    handler = json(200, answer);
    expect(await client().resolveClient('https://app.example/c.json')).toEqual(answer);
    expect(seen).toEqual([{ method: 'GET', url: '/clients/https%3A%2F%2Fapp.example%2Fc.json', body: '' }]);
  });

  it('sends register, admit and access checks as JSON', async () => {
    handler = json(200, { ok: true });
    const c = client();
    await c.register({ software_statement: 'jws' });
    await c.admit('https://app.example/c.json');
    await c.checkAccess({ client_id: 's_1', action: 'deploy' });
    expect(seen.map((r) => [r.method, r.url, JSON.parse(r.body)])).toEqual([
      ['POST', '/register', { software_statement: 'jws' }],
      ['POST', '/admissions', { client_id: 'https://app.example/c.json' }],
      ['POST', '/access-checks', { client_id: 's_1', action: 'deploy' }],
    ]);
  });

  it('throws the RFC 7591 error of a refusal, without retrying it', async () => {
    handler = json(404, { error: 'invalid_client', error_description: 'the client is revoked' });
    const err = await refusal(client().resolveClient('s_x'));
    expect([err.status, err.code, err.description]).toEqual([404, 'invalid_client', 'the client is revoked']);
    expect(seen).toHaveLength(1);
  });

  it('throws the code of an RFC 9457 problem', async () => {
    handler = json(403, { type: 'https://admit.example/problems/forbidden', title: 'Forbidden', status: 403, detail: 'missing scope', code: 'insufficient_scope' }, { 'content-type': 'application/problem+json' });
    const err = await refusal(client().checkAccess({ client_id: 's_1', action: 'a' }));
    expect([err.status, err.code, err.description]).toEqual([403, 'insufficient_scope', 'missing scope']);
  });

  it('retries 503 and 429 with jitter until an answer, then stops at the retry limit', async () => {
    let n = 0;
    handler = (req, res, body) => (++n < 3 ? json(n === 1 ? 503 : 429, { error: 'temporarily_unavailable', error_description: 'busy' })(req, res, body) : json(201, { client_id: 'c_1' })(req, res, body));
    const delays: number[] = [];
    expect(await client({ onRetry: (_a, ms) => delays.push(ms) }).register({ redirect_uris: [] })).toEqual({ client_id: 'c_1' });
    expect(seen).toHaveLength(3);
    expect(delays.every((ms) => ms >= 0 && ms <= 4)).toBe(true);

    seen = [];
    handler = json(429, { error: 'ERR_TOO_MANY_REQUESTS', error_description: 'slow down' }, { 'retry-after': '7' });
    const err = await refusal(client({ retries: 1, maxRetryDelayMs: 20 }).resolveClient('s_x'));
    expect([err.status, err.code, err.retryAfterS]).toEqual([429, 'ERR_TOO_MANY_REQUESTS', 7]);
    expect(seen).toHaveLength(2);
  });

  it('waits as long as Retry-After says (plus jitter), capped by maxRetryDelayMs', async () => {
    let n = 0;
    handler = (req, res, body) => (n++ === 0 ? json(503, { error: 'temporarily_unavailable', error_description: 'x' }, { 'retry-after': '1' }) : json(200, {}))(req, res, body);
    const delays: number[] = [];
    await client({ retryBaseMs: 10, onRetry: (_a, ms) => delays.push(ms) }).resolveClient('s_x');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[0]).toBeLessThanOrEqual(1010);

    n = 0;
    delays.length = 0;
    await client({ maxRetryDelayMs: 25, onRetry: (_a, ms) => delays.push(ms) }).resolveClient('s_x');
    expect(delays).toEqual([25]);
  });

  it('gives up on an answer that does not come in time: GETs are retried, POSTs are not', async () => {
    handler = () => undefined; // never answers
    const get = await refusal(client({ timeoutMs: 50, retries: 2 }).resolveClient('s_x'));
    expect([get.status, get.code]).toEqual([0, 'timeout']);
    expect(seen).toHaveLength(3);

    seen = [];
    const post = await refusal(client({ timeoutMs: 50, retries: 2 }).register({}));
    expect(post.code).toBe('timeout');
    expect(seen).toHaveLength(1);
  });

  it('reports a refused connection as network_error', async () => {
    const err = await refusal(new AdmitClient({ baseUrl: 'http://127.0.0.1:1', retries: 0 }).resolveClient('s_x'));
    expect([err.status, err.code]).toEqual([0, 'network_error']);
  });

  describe('verifyAdmission', () => {
    const ISSUER = 'https://admit.test';
    const key = async (kid: string) => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } as JWK, kid };
    };
    const token = (k: { privateKey: CryptoKey; kid: string }, exp: string | number = '5m', typ = 'admission+jwt', iss = ISSUER) =>
      new SignJWT({ adm_source: 'cimd', adm_jkts: [] }).setProtectedHeader({ alg: 'ES256', kid: k.kid, typ }).setIssuer(iss).setSubject('s_1').setIssuedAt().setExpirationTime(exp).sign(k.privateKey);

    it('verifies offline against the cached JWKS, fetches it again for a rotated key, and refuses anything else', async () => {
      const [k1, k2] = await Promise.all([key('k1'), key('k2')]);
      let keys = [k1.jwk];
      handler = (req, res, body) => json(200, { keys })(req, res, body);
      const c = client({ issuer: ISSUER, jwksCooldownMs: 0 });

      expect(await c.verifyAdmission(await token(k1), 's_1')).toMatchObject({ iss: ISSUER, sub: 's_1', adm_source: 'cimd' });
      await c.verifyAdmission(await token(k1));
      expect(seen.filter((r) => r.url === '/.well-known/jwks.json')).toHaveLength(1);

      keys = [k1.jwk, k2.jwk];
      expect((await c.verifyAdmission(await token(k2))).sub).toBe('s_1');
      expect(seen.filter((r) => r.url === '/.well-known/jwks.json')).toHaveLength(2);

      const codes = async (t: Promise<string>, clientId?: string) => (await refusal(c.verifyAdmission(await t, clientId))).description.split(':')[0];
      expect(await codes(token(k1), 's_other')).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
      expect(await codes(token(k1, '5m', 'JWT'))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
      expect(await codes(token(k1, '5m', 'admission+jwt', 'https://evil.example'))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
      expect(await codes(token(k1, Math.floor(Date.now() / 1000) - 120))).toBe('ERR_JWT_EXPIRED');
      const stranger = await key('k1');
      expect(await codes(token(stranger))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
      expect((await refusal(c.verifyAdmission('not-a-jwt'))).code).toBe('invalid_admission');
    });
  });
});
