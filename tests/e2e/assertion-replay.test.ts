// Client-assertion replay, tried as an attacker would: the same assertion after a restart, at a
// second intake, and one client spending its jti quota. Real: the built apps as a user starts them,
// the Kafka broker and PostgreSQL (distributed, two intakes) or PGlite (embedded, restarted on its
// data folder), ES256 statements and client assertions signed with jose. Nothing stubbed.
import { Stack, startDistributed, startEmbedded } from '@admit/launcher';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { createTestDatabase, TestDatabase } from '../support/database';
import { embeddedDataDir } from '../support/embedded-store';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { signClientAssertion } from '../support/client-assertion';

const ADMIT_ISSUER = 'https://admit.test';
const ANCHOR_ISSUER = 'https://directory.example';
const QUOTA = 3;

interface Answer {
  decision: 'allow' | 'deny';
  reasons: { code: string }[];
}

describe.each(MODES)('client assertion replay and quota (%s)', (mode) => {
  let anchor: TestAnchor;
  let clientKey: { privateKey: CryptoKey; jwk: Record<string, unknown> };
  let dataDir: string;
  let db: TestDatabase | undefined;
  let topics: TestTopics | undefined;
  let env: Record<string, string>;
  let stack: Stack;
  const run = randomUUID().slice(0, 8);

  /** Distributed: two intakes on one database. Embedded: one process on its data folder. */
  const start = () => (mode === 'distributed' ? startDistributed({ env, scale: { intake: 2 } }) : startEmbedded({ env: { ...env, ADMIT_DATA_DIR: dataDir } }));
  const intakes = () => stack.apps.filter((a) => a.name === 'intake' || a.name === 'embedded').map((a) => a.url);

  beforeAll(async () => {
    anchor = await createTestAnchor(ANCHOR_ISSUER);
    const client = await generateKeyPair('ES256');
    clientKey = { privateKey: client.privateKey, jwk: { ...(await exportJWK(client.publicKey)), kid: 'client-1', alg: 'ES256' } };
    dataDir = embeddedDataDir(mkdtempSync(join(tmpdir(), 'admit-replay-')));
    env = {
      ADMIT_HTTP_PORT: '0',
      ADMIT_TRUST_ANCHORS_FILE: anchor.file,
      ADMIT_ISSUER,
      ADMIT_CLIENT_ASSERTION_JTI_QUOTA: String(QUOTA),
    };
    if (mode === 'distributed') {
      [db, topics] = await Promise.all([createTestDatabase('e2e_replay'), createTestTopics('e2e-replay')]);
      Object.assign(env, { KAFKA_BROKERS: KAFKA_BROKERS.join(','), DATABASE_URL: db.appUrl, ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix, ADMIT_KAFKA_GROUP_PREFIX: topics.prefix });
    }
    stack = await start();
  });

  afterAll(async () => {
    const codes = await stack?.stop();
    await Promise.all([db?.drop(), topics?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
    anchor?.remove();
    expect(Object.values(codes ?? {}).every((code) => code === 0)).toBe(true);
  });

  const post = (base: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** One statement per software id: registering it again at another intake, or after a restart, is the same client. */
  const statements = new Map<string, Promise<string>>();
  const statementFor = (softwareId: string): Promise<string> => {
    const claims = { iss: ANCHOR_ISSUER, software_id: softwareId, redirect_uris: ['https://app.example/cb'], jwks: { keys: [clientKey.jwk] }, token_endpoint_auth_method: 'private_key_jwt' };
    const statement = statements.get(softwareId) ?? new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt().setExpirationTime('10m').sign(anchor.privateKey);
    statements.set(softwareId, statement);
    return statement;
  };
  const register = async (softwareId: string, base: string): Promise<string> => {
    const res = await post(base, '/register', { software_statement: await statementFor(softwareId) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { client_id: string }).client_id;
  };

  const assertion = (clientId: string) => signClientAssertion(clientId, ADMIT_ISSUER, clientKey.privateKey);

  const check = async (base: string, clientId: string, clientAssertion: string): Promise<string[]> => {
    const res = await post(base, '/access-checks', { client_id: clientId, action: 'run_tool', client_assertion: clientAssertion });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    return answer.decision === 'allow' ? ['allow'] : answer.reasons.map((r) => r.code);
  };

  it('replay across a restart: an assertion accepted before the restart is refused after it', async () => {
    const clientId = await register(`restart-${run}`, intakes()[0]);
    const jwt = await assertion(clientId);
    expect(await check(intakes()[0], clientId, jwt)).toEqual(['allow']);
    const codes = await stack.stop();
    expect(Object.values(codes).every((code) => code === 0)).toBe(true);
    stack = await start();
    // A fresh intake holds no admission: the client registers again, then replays.
    await register(`restart-${run}`, intakes()[0]);
    expect(await check(intakes()[0], clientId, jwt)).toEqual(['ERR_CLIENT_ASSERTION_REPLAYED']);
  });

  if (mode === 'distributed') {
    it('replay at a second intake: an assertion accepted by one intake is refused by the other', async () => {
      const [first, second] = intakes();
      expect(second).toBeDefined();
      const clientId = await register(`second-${run}`, first);
      await register(`second-${run}`, second);
      const jwt = await assertion(clientId);
      expect(await check(first, clientId, jwt)).toEqual(['allow']);
      expect(await check(second, clientId, jwt)).toEqual(['ERR_CLIENT_ASSERTION_REPLAYED']);
      // Both at once, with a fresh assertion: exactly one intake accepts it.
      const racing = await assertion(clientId);
      const answers = await Promise.all([check(first, clientId, racing), check(second, clientId, racing)]);
      expect(answers.flat().sort()).toEqual(['ERR_CLIENT_ASSERTION_REPLAYED', 'allow']);
    });
  }

  it("quota: a client that exhausts its jti quota gets ERR_CLIENT_ASSERTION_BUSY, and another client's checks are unaffected", async () => {
    const bases = intakes();
    const greedy = await register(`greedy-${run}`, bases[0]);
    const other = await register(`other-${run}`, bases[0]);
    for (const base of bases.slice(1)) {
      await register(`greedy-${run}`, base);
      await register(`other-${run}`, base);
    }
    // Spread over every intake: the quota is the client's, wherever it calls.
    for (let i = 0; i < QUOTA; i++) expect(await check(bases[i % bases.length], greedy, await assertion(greedy))).toEqual(['allow']);
    for (const base of bases) expect(await check(base, greedy, await assertion(greedy))).toEqual(['ERR_CLIENT_ASSERTION_BUSY']);
    for (const base of bases) expect(await check(base, other, await assertion(other))).toEqual(['allow']);
  });
});
