// oidc-provider 9.x made stateless by @admit/oidc-provider, through the whole authorization code +
// PKCE flow. Real: embedded Admit as a user starts it, the example authorization server in a process
// of its own (libs/integrations/oidc-provider/example), a loopback HTTPS server serving metadata
// documents, ES256 statements and client assertions signed with jose. Nothing stubbed; the only
// stand-in is the example's sign-in, which admits one demo account without a password.
import { ROOT } from '@admit/launcher';
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, startAdmit } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { eventually } from '../support/poll';

const ADMIT_ISSUER = 'https://admit.test';
const ANCHOR_ISSUER = 'https://directory.example';
const ADMIN_TOKEN = newAdminToken();
const CALLBACK = 'https://app.example/cb';
const AS_SERVER = join(ROOT, 'libs', 'integrations', 'oidc-provider', 'example', 'authorization-server.ts');

type Authorized = { code: string; verifier: string } | { status: number; body: string };

describe('oidc-provider as a stateless authorization server on Admit (embedded)', () => {
  let anchor: TestAnchor;
  let fixture: HttpsFixture;
  let dir: string;
  let admit: AdmitUnderTest;
  let as: ChildProcess;
  let issuer: string;
  let clientKey: { privateKey: CryptoKey; jwk: Record<string, unknown> };
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    anchor = await createTestAnchor(ANCHOR_ISSUER);
    fixture = await startHttpsFixture();
    dir = mkdtempSync(join(tmpdir(), 'admit-oidc-'));
    const tokensFile = join(dir, 'admin-tokens.yaml');
    writeFileSync(tokensFile, ['tokens:', adminTokenEntryYaml({ name: 'e2e-ops', sha256: hashAdminToken(ADMIN_TOKEN), scopes: [AdminScope.RevocationsWrite] })].join('\n'));
    const key = await generateKeyPair('ES256');
    clientKey = { privateKey: key.privateKey, jwk: { ...(await exportJWK(key.publicKey)), kid: 'client-1', alg: 'ES256' } };
    admit = await startAdmit('embedded', {
      ADMIT_TRUST_ANCHORS_FILE: anchor.file,
      ADMIT_ISSUER,
      ADMIT_ADMIN_TOKENS_FILE: tokensFile,
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
    });
    ({ child: as, url: issuer } = await startAuthorizationServer(admit.stack.intakeUrl));
  });

  afterAll(async () => {
    if (as && as.exitCode === null) {
      const exited = new Promise((resolve) => as.once('exit', resolve));
      as.kill('SIGTERM');
      await exited;
    }
    await admit?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    anchor?.remove();
  });

  const registerStatementClient = async (softwareId: string): Promise<string> => {
    const claims = { iss: ANCHOR_ISSUER, software_id: softwareId, redirect_uris: [CALLBACK], jwks: { keys: [clientKey.jwk] }, token_endpoint_auth_method: 'private_key_jwt', grant_types: ['authorization_code'], response_types: ['code'] };
    const statement = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt().setExpirationTime('10m').sign(anchor.privateKey);
    const res = await fetch(`${admit.stack.intakeUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ software_statement: statement }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { client_id: string }).client_id;
  };

  const publishDocument = (name: string, headers: Record<string, string> = {}): string => {
    const url = `${fixture.origin}/clients/${run}-${name}.json`;
    const document = { client_id: url, client_name: name, redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'] };
    fixture.route(`/clients/${run}-${name}.json`, { body: JSON.stringify(document), headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300', ...headers } });
    return url;
  };

  /** /authorize as a browser goes through it (cookies kept, redirects followed) up to the client's callback. */
  const authorize = async (clientId: string): Promise<Authorized> => {
    const verifier = randomBytes(32).toString('base64url');
    const jar = new Map<string, string>();
    let url = `${issuer}/auth?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      state: randomUUID(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })}`;
    for (let hop = 0; hop < 6; hop++) {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of res.headers.getSetCookie()) {
        const pair = cookie.split(';')[0];
        jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      const location = res.headers.get('location');
      if (!location) return { status: res.status, body: await res.text() };
      const next = new URL(location, url);
      if (next.href.startsWith(CALLBACK)) {
        const code = next.searchParams.get('code');
        if (!code) return { status: res.status, body: next.href };
        return { code, verifier };
      }
      url = next.href;
    }
    throw new Error('too many redirects');
  };

  const token = async (clientId: string, authorized: Authorized, auth: Record<string, string>) => {
    if (!('code' in authorized)) throw new Error(`not authorized: ${authorized.status} ${authorized.body}`);
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: authorized.code, redirect_uri: CALLBACK, code_verifier: authorized.verifier, ...auth }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const clientAssertion = (clientId: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'client-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(clientKey.privateKey);

  const revoke = async (clientId: string) => {
    const res = await fetch(`${admit.stack.intakeUrl}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ kind: 'client_id', value: clientId, reason: 'e2e' }),
    });
    expect(res.status).toBe(201);
  };

  it('advertises registration at Admit and client ID metadata documents, in both discovery documents', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(`${issuer}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ issuer, registration_endpoint: `${admit.stack.intakeUrl}/register`, client_id_metadata_document_supported: true });
    }
  });

  it('runs the flow for a software-statement client with private_key_jwt at the token endpoint, and refuses it once revoked', async () => {
    const clientId = await registerStatementClient(`oidc-${run}`);
    const authorized = await authorize(clientId);
    const assertion = { client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(clientId) };
    const tokens = await token(clientId, authorized, assertion);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid' });
    expect(typeof tokens.body.access_token).toBe('string');
    expect(typeof tokens.body.id_token).toBe('string');

    // A key the client was not admitted with is refused.
    const stranger = await generateKeyPair('ES256');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'client-1' }).setIssuer(clientId).setSubject(clientId).setAudience(issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('1m').sign(stranger.privateKey);
    expect(await token(clientId, await authorize(clientId), { ...assertion, client_assertion: forged })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const next = await authorize(clientId);
    await revoke(clientId);
    const refused = await eventually('the next /authorize to be refused', async () => {
      const answer = await authorize(clientId);
      return 'status' in answer ? answer : undefined;
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('invalid_client');
    // A code issued before the revocation is no use at the token endpoint either.
    expect(await token(clientId, next, { ...assertion, client_assertion: await clientAssertion(clientId) })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('runs the flow for a CIMD client served over loopback HTTPS (a public client with PKCE)', async () => {
    const clientId = publishDocument('public');
    const tokens = await token(clientId, await authorize(clientId), { client_id: clientId });
    expect(tokens.status).toBe(200);
    expect(typeof tokens.body.access_token).toBe('string');
  });

  it('refuses at /authorize a CIMD client that Admit denies (its own document fetch is off)', async () => {
    // Valid metadata, but served as text/plain: Admit refuses the document (ERR_CIMD_CONTENT_TYPE).
    const clientId = publishDocument('denied', { 'content-type': 'text/plain' });
    const refused = await authorize(clientId);
    expect(refused).toMatchObject({ status: 400 });
    expect('body' in refused && refused.body).toContain('invalid_client');
    const resolved = await fetch(`${admit.stack.intakeUrl}/clients/${encodeURIComponent(clientId)}`);
    expect(resolved.status).toBe(404);
    // The provider never fetched the document itself: the only fetch came from Admit.
    expect(fixture.requests.filter((r) => r.path === `/clients/${run}-denied.json`)).toHaveLength(1);
  });
});

/** The example authorization server in a process of its own, on Admit at `admitUrl`; resolves once it listens. */
async function startAuthorizationServer(admitUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', AS_SERVER], {
    cwd: ROOT,
    env: { ...process.env, ADMIT_URL: admitUrl, ADMIT_ISSUER, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const listening = /listening on (http:\/\/\S+)/.exec(output.join(''))?.[1];
      if (listening) resolve(listening);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the authorization server exited (${code}) before it listened:\n${output.join('')}`)));
  });
  return { child, url };
}
