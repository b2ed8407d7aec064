// Access checks, revocation and live policy changes, with every service its own process. Real: the
// built apps, the Kafka broker, PostgreSQL, ES256 statements and client assertions signed with jose,
// the default policies (copied, so the test can change them). Nothing stubbed.
import { startDistributed, Stack } from '@admit/launcher';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { PolicyDir, policyDir } from '@admit/launcher';
import { eventually } from '../support/poll';

const ANCHOR_ISSUER = 'https://directory.example';
const ADMIN_TOKEN = newAdminToken();
const READER_TOKEN = newAdminToken();

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface Answer {
  decision: 'allow' | 'deny';
  reasons: { code: string; description: string }[];
  check_id: string;
  admission_age_s: number | null;
}

describe('access checks and revocations across processes (distributed)', () => {
  let dir: string;
  let policies: PolicyDir;
  let env: Record<string, string>;
  let db: TestDatabase;
  let topics: TestTopics;
  let stack: Stack;
  let anchorKey: PrivateKey;
  let clientKeys: { privateKey: PrivateKey; jwk: Record<string, unknown> };
  const run = randomUUID().slice(0, 8);

  const url = (app: string) => stack.apps.find((a) => a.name === app)!.url;
  const post = async (path: string, body: unknown, base = url('intake'), token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const check = async (body: Record<string, unknown>): Promise<Answer> => {
    const res = await post('/access-checks', body);
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  };
  const revoke = async (kind: string, value: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> => {
    const res = await post('/revocations', { kind, value, reason: `e2e ${kind}`, ...extra }, url('revocation'), ADMIN_TOKEN);
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const lift = async (id: string) => {
    const res = await fetch(`${url('revocation')}/revocations/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(204);
  };
  /** Registers a client through a software statement of the test anchor. */
  const registering = async (softwareId: string, extra: Record<string, unknown> = {}): Promise<Response> => {
    const statement = await new SignJWT({ iss: ANCHOR_ISSUER, software_id: softwareId, redirect_uris: ['https://app.example/cb'], ...extra })
      .setProtectedHeader({ alg: 'ES256', kid: 'dir-1' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(anchorKey);
    return post('/register', { software_statement: statement });
  };
  const register = async (softwareId: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await registering(softwareId, extra);
    expect(res.status).toBe(201);
    return ((await res.json()) as { client_id: string }).client_id;
  };
  const refusedRegistration = async (softwareId: string) => {
    const res = await registering(softwareId);
    return { status: res.status, body: (await res.json()) as { error: string; error_description: string } };
  };
  const codes = (answer: Answer) => answer.reasons.map((r) => r.code);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-access-'));
    policies = policyDir();
    const anchor = await generateKeyPair('ES256');
    anchorKey = anchor.privateKey;
    const client = await generateKeyPair('ES256');
    clientKeys = { privateKey: client.privateKey, jwk: { ...(await exportJWK(client.publicKey)), kid: 'client-1', alg: 'ES256' } };
    const anchorJwk = { ...(await exportJWK(anchor.publicKey)), kid: 'dir-1', alg: 'ES256' };
    writeFileSync(
      join(dir, 'anchors.yaml'),
      ['anchors:', '  - id: directory', `    issuer: ${ANCHOR_ISSUER}`, '    algorithms: [ES256]', '    max_age_s: 3600', `    jwks: ${JSON.stringify({ keys: [anchorJwk] })}`].join('\n'),
    );
    writeFileSync(
      join(dir, 'admin-tokens.yaml'),
      [
        'tokens:',
        adminTokenEntryYaml({ name: 'e2e-ops', sha256: hashAdminToken(ADMIN_TOKEN), scopes: [AdminScope.RevocationsWrite, AdminScope.RevocationsRead] }),
        adminTokenEntryYaml({ name: 'e2e-reader', sha256: hashAdminToken(READER_TOKEN), scopes: [AdminScope.RevocationsRead] }),
      ].join('\n'),
    );
    [db, topics] = await Promise.all([createTestDatabase('e2e_access'), createTestTopics('e2e-access')]);
    env = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: db.url,
      ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
      ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
      ADMIT_HTTP_PORT: '0',
      ADMIT_POLICY_DIR: policies.dir,
      ADMIT_POLICY_RELOAD_MS: '200',
      ADMIT_TRUST_ANCHORS_FILE: join(dir, 'anchors.yaml'),
      ADMIT_ADMIN_TOKENS_FILE: join(dir, 'admin-tokens.yaml'),
      ADMIT_ISSUER: 'https://admit.test',
    };
    stack = await startDistributed({ env });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([db?.drop(), topics?.drop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    policies?.remove();
  });

  it('allows an admitted client, and a revocation made in another process denies it within the deadline', async () => {
    const clientId = await register(`revoke-me-${run}`);
    const allowed = await check({ client_id: clientId, action: 'read_files' });
    expect(allowed).toMatchObject({ decision: 'allow', reasons: [{ code: 'policy:access-admitted' }] });
    expect(allowed.admission_age_s).toBeGreaterThanOrEqual(0);

    await revoke('client_id', clientId);
    const denied = await eventually('intake to deny the revoked client', async () => {
      const answer = await check({ client_id: clientId, action: 'read_files' });
      return answer.decision === 'deny' ? answer : undefined;
    });
    expect(codes(denied)).toEqual(['revoked:client_id']);
    // The pipeline denies it too: registering again is refused, and says why.
    const again = await refusedRegistration(`revoke-me-${run}`);
    expect(again.status).toBe(400);
    expect(again.body.error_description).toContain('revoked');
  });

  it('revoking an anchor denies every client admitted through it; lifting it restores admission', async () => {
    const clients = [await register(`anchor-a-${run}`), await register(`anchor-b-${run}`)];
    for (const clientId of clients) expect((await check({ client_id: clientId, action: 'deploy' })).decision).toBe('allow');

    const { id } = await revoke('anchor', 'directory');
    for (const clientId of clients) {
      await eventually(`${clientId} denied by the anchor revocation`, async () =>
        codes(await check({ client_id: clientId, action: 'deploy' })).includes('revoked:anchor') ? true : undefined,
      );
    }

    await lift(id);
    // The cached admissions went with the revocation; intake renews them through the pipeline.
    for (const clientId of clients) {
      await eventually(`${clientId} admitted again after the lift`, async () =>
        (await check({ client_id: clientId, action: 'deploy' })).decision === 'allow' ? true : undefined,
      );
    }
  });

  it('a revocation lapses at its expires_at', async () => {
    const clientId = await register(`lapse-${run}`);
    // Long enough that intake applies it before it lapses even on a busy machine (it usually takes well under a second).
    const expiresAt = new Date(Date.now() + 10_000).toISOString();
    await revoke('client_id', clientId, { expires_at: expiresAt });
    await eventually('the revocation to apply', async () => (codes(await check({ client_id: clientId, action: 'read' })).includes('revoked:client_id') ? true : undefined));
    const after = await eventually('the revocation to lapse', async () => {
      const answer = await check({ client_id: clientId, action: 'read' });
      return answer.decision === 'allow' ? answer : undefined;
    });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(after.reasons[0].code).toBe('policy:access-admitted');
  });

  it('accepts a client assertion once and denies it replayed', async () => {
    const clientId = await register(`assert-${run}`, { jwks: { keys: [clientKeys.jwk] }, token_endpoint_auth_method: 'private_key_jwt' });
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'client-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience('https://admit.test')
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(clientKeys.privateKey);
    expect(await check({ client_id: clientId, action: 'run_tool', client_assertion: assertion })).toMatchObject({ decision: 'allow' });
    const replayed = await check({ client_id: clientId, action: 'run_tool', client_assertion: assertion });
    expect(replayed.decision).toBe('deny');
    expect(codes(replayed)).toEqual(['ERR_CLIENT_ASSERTION_REPLAYED']);

    const wrongAudience = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'client-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience('https://someone-else.test')
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(clientKeys.privateKey);
    expect(codes(await check({ client_id: clientId, action: 'run_tool', client_assertion: wrongAudience }))).toEqual(['ERR_CLIENT_ASSERTION_INVALID']);
  });

  it('a policy change reaches the running intake and changes its next access decision', async () => {
    const clientId = await register(`policy-${run}`);
    expect((await check({ client_id: clientId, action: 'delete_repository' })).decision).toBe('allow');
    // As an operator does it: declare the action in the schema, then write a policy for it.
    const schemaFile = join(policies.dir, 'admit.cedarschema');
    const schema = readFileSync(schemaFile, 'utf8');
    const policyFile = join(policies.dir, 'zz-no-deletes.cedar');
    try {
      writeFileSync(
        schemaFile,
        schema.replace(/}\s*$/, '  action "delete_repository" in [access] appliesTo { principal: [Client], resource: [Resource], context: RequestContext };\n}\n'),
      );
      writeFileSync(
        policyFile,
        '@id("no-repository-deletes")\n@reason("repositories are not deleted by clients")\nforbid (principal, action == Admit::Action::"delete_repository", resource);\n',
      );
      const denied = await eventually('the new policy to reach intake', async () => {
        const answer = await check({ client_id: clientId, action: 'delete_repository' });
        return answer.decision === 'deny' ? answer : undefined;
      });
      expect(denied.reasons).toEqual([{ code: 'policy:no-repository-deletes', description: 'repositories are not deleted by clients' }]);
      expect((await check({ client_id: clientId, action: 'read_files' })).decision).toBe('allow');
    } finally {
      writeFileSync(schemaFile, schema);
      rmSync(policyFile, { force: true });
    }
  });

  it('after a restart of every service, revocations still hold, rebuilt from the topic', async () => {
    const clientId = await register(`restart-${run}`);
    await revoke('client_id', clientId);
    await eventually('the revocation to apply', async () => (codes(await check({ client_id: clientId, action: 'read' })).includes('revoked:client_id') ? true : undefined));
    await stack.stop();
    stack = await startDistributed({ env });
    // Ready means the revocation set was read to its end: the first answers already deny, for the
    // revocation (a fresh intake holds no admission, which would be a different reason).
    expect(codes(await check({ client_id: clientId, action: 'read' }))).toEqual(['revoked:client_id']);
    expect((await refusedRegistration(`restart-${run}`)).body.error_description).toContain('revoked');
  });

  it('refuses admin calls without the right credential, and changes nothing', async () => {
    const before = await (await fetch(`${url('revocation')}/revocations`, { headers: { authorization: `Bearer ${READER_TOKEN}` } })).json();
    expect((await post('/revocations', { kind: 'client_id', value: 'c_x', reason: 'no auth' }, url('revocation'))).status).toBe(401);
    expect((await post('/revocations', { kind: 'client_id', value: 'c_x', reason: 'bad token' }, url('revocation'), 'not-a-token')).status).toBe(401);
    expect((await post('/revocations', { kind: 'client_id', value: 'c_x', reason: 'read only' }, url('revocation'), READER_TOKEN)).status).toBe(403);
    const after = await (await fetch(`${url('revocation')}/revocations`, { headers: { authorization: `Bearer ${READER_TOKEN}` } })).json();
    expect(after).toEqual(before);
  });
});
