// Real: the built apps started as a user starts them (node dist/apps/*/main.js), the Kafka broker,
// PostgreSQL, and PGlite in embedded mode. Nothing stubbed.
import { metadataClientId } from '@admit/metadata';
import { Stack, startDistributed } from '@admit/launcher';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { PolicyDir, selfAssertedPolicyDir } from '@admit/launcher';
import { eventually } from '../support/poll';

/** Stored events per type for one client, once there are at least `expected` of them. */
async function auditCounts(admit: AdmitUnderTest, clientId: string, expected: number): Promise<Record<string, number>> {
  const events = await admit.auditEvents({ client_id: clientId }, (found) => found.length >= expected);
  const counts: Record<string, number> = {};
  for (const { type } of events) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

// Plain metadata is self-asserted, which the default policies deny: these suites add the development example.
const policies: PolicyDir = selfAssertedPolicyDir();
afterAll(() => policies.remove());

const post = (url: string, body: string, contentType = 'application/json') =>
  fetch(`${url}/register`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe.each(MODES)('registration end to end (%s)', (mode) => {
  let admit: AdmitUnderTest;
  const run = randomUUID();
  const good = { redirect_uris: ['https://app.example/cb'], client_name: `demo ${run}` };
  const badRedirect = { redirect_uris: ['http://app.example/cb'], client_name: `bad ${run}` };

  beforeAll(async () => {
    admit = await startAdmit(mode, { ADMIT_POLICY_DIR: policies.dir });
  });
  afterAll(async () => {
    await admit?.close();
  });

  it('registers plain RFC 7591 metadata: 201 with the client information response', async () => {
    const res = await post(admit.stack.intakeUrl, JSON.stringify(good));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { client_id: string };
    expect(body).toEqual({
      ...good,
      client_id: metadataClientId(good),
      client_id_issued_at: expect.any(Number),
      client_id_expires_at: expect.any(Number),
      admission: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(body.client_id.startsWith('https://')).toBe(false);
  });

  it('answers bad input with precise errors', async () => {
    const url = admit.stack.intakeUrl;
    const cases: [Promise<Response>, number, string][] = [
      [post(url, '{"redirect_uris": ['), 400, 'invalid_client_metadata'],
      [post(url, '[1,2]'), 400, 'invalid_client_metadata'],
      [post(url, JSON.stringify({ ...good, pad: 'x'.repeat(64 * 1024) })), 413, 'ERR_PAYLOAD_TOO_LARGE'],
      [post(url, 'client_name=demo', 'application/x-www-form-urlencoded'), 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
      [post(url, JSON.stringify(good), 'text/plain'), 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
      [post(url, JSON.stringify({ client_name: `none ${run}` })), 400, 'invalid_redirect_uri'],
      [post(url, JSON.stringify(badRedirect)), 400, 'invalid_redirect_uri'],
    ];
    for (const [response, status, error] of cases) {
      const res = await response;
      expect({ status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({ status, error });
    }
  });

  it('stores the requested, validated and decided events of each request exactly once', async () => {
    const allowed = await auditCounts(admit, metadataClientId(good), 3);
    const denied = await auditCounts(admit, metadataClientId(badRedirect), 3);
    const expected = {
      'admit.registration.requested.v1': 1,
      'admit.registration.validated.v1': 1,
      'admit.registration.decided.v1': 1,
    };
    expect(allowed).toEqual(expected);
    expect(denied).toEqual(expected);
  });

  it('stops cleanly on SIGTERM: every process finishes its work and exits 0', async () => {
    const codes = await admit.stack.stop();
    expect(codes).toEqual(
      mode === 'distributed' ? { intake: 0, validator: 0, policy: 0, revocation: 0, audit: 0 } : { embedded: 0 },
    );
  });
});

describe('a request that gets no decision in time (distributed)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  const stacks: Stack[] = [];

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase('e2e_timeout'), createTestTopics('e2e-timeout')]);
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop()));
    await Promise.all([db?.drop(), topics?.drop()]);
  });

  it('gets 503 with Retry-After, and is still decided and audited once the pipeline runs', async () => {
    const env = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: db.url,
      ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
      ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
      ADMIT_HTTP_PORT: '0',
      ADMIT_DECISION_TIMEOUT_MS: '500',
      ADMIT_POLICY_DIR: policies.dir,
    };
    const intakeOnly = await startDistributed({ env, apps: ['intake'] });
    stacks.push(intakeOnly);
    const metadata = { redirect_uris: ['https://late.example/cb'], client_name: `late ${randomUUID()}` };

    const res = await post(intakeOnly.intakeUrl, JSON.stringify(metadata));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });

    stacks.push(await startDistributed({ env, apps: ['validator', 'policy', 'audit'] }));
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const decided = await eventually('the late decision in the audit store', async () => {
        const { rows } = await pg.query(
          `SELECT data FROM audit_events WHERE subject = $1 AND type = 'admit.registration.decided.v1'`,
          [metadataClientId(metadata)],
        );
        return rows.length > 0 ? rows : undefined;
      });
      expect(decided).toHaveLength(1);
      expect(decided[0].data).toMatchObject({ decision: 'allow', policy_version: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    } finally {
      await pg.end();
    }
  });
});
