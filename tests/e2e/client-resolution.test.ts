// GET /clients/{client_id}, as an authorization server calls it at /authorize. Real: the built apps
// as a user starts them, the Kafka broker and PostgreSQL (distributed, two intakes) or PGlite
// (embedded, restarted on its data folder), a loopback HTTPS server serving metadata documents, ES256
// statements signed with jose. Nothing stubbed.
import { Stack, startDistributed, startEmbedded } from '@admit/launcher';
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { createTestDatabase, TestDatabase } from '../support/database';
import { embeddedDataDir } from '../support/embedded-store';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const ADMIT_ISSUER = 'https://admit.test';
const ANCHOR_ISSUER = 'https://directory.example';
const ADMIN_TOKEN = newAdminToken();

interface Resolved {
  client_id: string;
  client_id_issued_at: number;
  client_id_expires_at: number;
  admission: string;
  redirect_uris: string[];
  client_name?: string;
}

describe.each(MODES)('resolving a client on demand (%s)', (mode) => {
  let anchor: TestAnchor;
  let fixture: HttpsFixture;
  let dir: string;
  let db: TestDatabase | undefined;
  let topics: TestTopics | undefined;
  let env: Record<string, string>;
  let stack: Stack;
  const run = randomUUID().slice(0, 8);

  /** Distributed: two intakes on one database and bus. Embedded: one process on its data folder. */
  const start = () => (mode === 'distributed' ? startDistributed({ env, scale: { intake: 2 } }) : startEmbedded({ env: { ...env, ADMIT_DATA_DIR: join(dir, 'data') } }));
  const intakes = () => stack.apps.filter((a) => a.name === 'intake' || a.name === 'embedded').map((a) => a.url);
  const revocationUrl = () => (stack.apps.find((a) => a.name === 'revocation') ?? stack.apps[0]).url;

  beforeAll(async () => {
    anchor = await createTestAnchor(ANCHOR_ISSUER);
    fixture = await startHttpsFixture();
    dir = mkdtempSync(join(tmpdir(), 'admit-clients-'));
    if (mode === 'embedded') embeddedDataDir(join(dir, 'data'));
    const tokensFile = join(dir, 'admin-tokens.yaml');
    writeFileSync(tokensFile, ['tokens:', adminTokenEntryYaml({ name: 'e2e-ops', sha256: hashAdminToken(ADMIN_TOKEN), scopes: [AdminScope.RevocationsWrite] })].join('\n'));
    env = {
      ADMIT_HTTP_PORT: '0',
      ADMIT_TRUST_ANCHORS_FILE: anchor.file,
      ADMIT_ISSUER,
      ADMIT_ADMIN_TOKENS_FILE: tokensFile,
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
    };
    if (mode === 'distributed') {
      [db, topics] = await Promise.all([createTestDatabase('e2e_clients'), createTestTopics('e2e-clients')]);
      Object.assign(env, { KAFKA_BROKERS: KAFKA_BROKERS.join(','), DATABASE_URL: db.appUrl, ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix, ADMIT_KAFKA_GROUP_PREFIX: topics.prefix });
    }
    stack = await start();
  });

  afterAll(async () => {
    const codes = await stack?.stop();
    await Promise.all([db?.drop(), topics?.drop()]);
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    anchor?.remove();
    expect(Object.values(codes ?? {}).every((code) => code === 0)).toBe(true);
  });

  const register = async (softwareId: string, expiresIn: string | number = '10m'): Promise<Resolved> => {
    const statement = await new SignJWT({ iss: ANCHOR_ISSUER, software_id: softwareId, redirect_uris: ['https://app.example/cb'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'dir-1' })
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(anchor.privateKey);
    const res = await fetch(`${intakes()[0]}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ software_statement: statement, client_name: softwareId }) });
    expect(res.status).toBe(201);
    return (await res.json()) as Resolved;
  };
  const resolve = async (clientId: string, base = intakes()[intakes().length - 1]) => {
    const res = await fetch(`${base}/clients/${encodeURIComponent(clientId)}`);
    return { status: res.status, body: (await res.json()) as Resolved & { error?: string; error_description?: string } };
  };
  const revoke = async (clientId: string) => {
    const res = await fetch(`${revocationUrl()}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ kind: 'client_id', value: clientId, reason: 'e2e' }),
    });
    expect(res.status).toBe(201);
  };

  it('answers for a registered client, at any intake, with its metadata, a verifiable admission token and its expiry', async () => {
    const registered = await register(`stmt-${run}`);
    expect(registered.client_id_expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
    const { status, body } = await resolve(registered.client_id);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      client_id: registered.client_id,
      client_name: `stmt-${run}`,
      redirect_uris: ['https://app.example/cb'],
      client_id_issued_at: registered.client_id_issued_at,
      client_id_expires_at: registered.client_id_expires_at,
    });
    const jwks = (await (await fetch(`${intakes()[0]}/.well-known/jwks.json`)).json()) as { keys: [] };
    const { payload } = await jwtVerify(body.admission, createLocalJWKSet(jwks), { issuer: ADMIT_ISSUER, typ: 'admission+jwt' });
    expect(payload).toMatchObject({ sub: registered.client_id, exp: registered.client_id_expires_at, adm_source: 'software_statement' });
  });

  it('admits a CIMD client on demand, then serves its live admission', async () => {
    // Longer than Fastify's default bound on a path parameter (100), as document URLs often are.
    const path = `/clients/${run}/${'tenant-'.repeat(40)}client.json`;
    const url = `${fixture.origin}${path}`;
    fixture.route(path, { body: { client_id: url, client_name: 'Doc', redirect_uris: ['https://doc.example/cb'] }, headers: { 'cache-control': 'max-age=300' } });
    const first = await resolve(url);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ client_id: url, client_name: 'Doc', redirect_uris: ['https://doc.example/cb'] });
    const again = await resolve(url, intakes()[0]);
    expect(again.status).toBe(200);
    // The same admission, not a new decision.
    expect([again.body.client_id_issued_at, again.body.client_id_expires_at]).toEqual([first.body.client_id_issued_at, first.body.client_id_expires_at]);
  });

  it('refuses with invalid_client: an unknown id, a denied document, a revoked client', async () => {
    expect(await resolve(`s_unknown-${run}`)).toMatchObject({ status: 404, body: { error: 'invalid_client' } });
    const url = `${fixture.origin}/clients/${run}-wrong.json`;
    fixture.route(`/clients/${run}-wrong.json`, { body: { client_id: 'https://other.example/c.json', redirect_uris: ['https://doc.example/cb'] } });
    expect(await resolve(url)).toMatchObject({ status: 404, body: { error: 'invalid_client' } });

    const registered = await register(`revoked-${run}`);
    expect((await resolve(registered.client_id)).status).toBe(200);
    await revoke(registered.client_id);
    for (const base of intakes()) {
      await eventually('the revocation reaches every intake', async () => ((await resolve(registered.client_id, base)).status === 404 ? true : undefined));
      expect(await resolve(registered.client_id, base)).toMatchObject({ status: 404, body: { error: 'invalid_client', error_description: 'the client is revoked' } });
    }
  });

  it('answers invalid_client once the admission has expired', async () => {
    const registered = await register(`short-${run}`, Math.floor(Date.now() / 1000) + 3);
    expect((await resolve(registered.client_id)).status).toBe(200);
    const ended = await eventually('the admission to expire', async () => {
      const answer = await resolve(registered.client_id);
      return answer.status === 200 ? undefined : answer;
    });
    expect(ended).toMatchObject({ status: 404, body: { error: 'invalid_client', error_description: 'no current admission for this client: it must register again' } });
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(registered.client_id_expires_at);
  });

  // Distributed intakes share PostgreSQL (the tests above resolve at the other intake); embedded mode
  // has one process, whose store must outlive it.
  if (mode === 'embedded') {
    it('keeps live admissions across a restart', async () => {
      const registered = await register(`restart-${run}`);
      const codes = await stack.stop();
      expect(Object.values(codes).every((code) => code === 0)).toBe(true);
      stack = await start();
      expect(await resolve(registered.client_id)).toMatchObject({ status: 200, body: { client_id: registered.client_id, client_id_expires_at: registered.client_id_expires_at } });
    });
  }
});
