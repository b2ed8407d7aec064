// An enterprise team integrating over Kafka with Kafka's own JVM clients, as docs/kafka-integration.md
// tells it to: kafka.tools.ConsoleProducer requests registrations (and sends poison) on
// admit.registration.requested.v1, and org.apache.kafka.tools.consumer.ConsoleConsumer reads the
// decisions in the team's own consumer group. Real: the built apps (distributed), the Kafka broker,
// PostgreSQL, the JVM clients from tools/kafka/.run/lib. Nothing stubbed.
import { DeadLetterReason, Topic } from '@admit/contracts';
import { startDistributed, Stack, PolicyDir, selfAssertedPolicyDir } from '@admit/launcher';
import { metadataClientId } from '@admit/metadata';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { consoleConsume, consoleProduce, ConsumedRecord, producerLine, provisionKafkaJars } from '../support/kafka-console';
import { eventually } from '../support/poll';

const ISSUER = 'https://directory.example';

describe('a Kafka integrator with the JVM console clients (distributed)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let anchor: TestAnchor;
  let policies: PolicyDir;
  let stack: Stack;
  let pg: Client;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // The jars come from tools/kafka/pom.xml, whether or not this checkout started the broker.
    await provisionKafkaJars();
    [db, topics, anchor] = await Promise.all([createTestDatabase('kafka_console'), createTestTopics('kafka-console'), createTestAnchor(ISSUER)]);
    // Self-asserted metadata is admitted only by the development example policy.
    policies = selfAssertedPolicyDir();
    stack = await startDistributed({
      env: {
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        DATABASE_URL: db.appUrl,
        ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
        ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
        ADMIT_HTTP_PORT: '0',
        ADMIT_POLICY_DIR: policies.dir,
        ADMIT_TRUST_ANCHORS_FILE: anchor.file,
      },
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    const codes = await stack?.stop();
    await Promise.all([db?.drop(), topics?.drop()]);
    anchor?.remove();
    policies?.remove();
    // Every app drains and exits 0: none crashed on what the producer sent.
    if (codes) expect(codes).toEqual({ intake: 0, validator: 0, policy: 0, revocation: 0, audit: 0 });
  });

  /** The binary-mode CloudEvent headers an integrator sets on a request. */
  const requestHeaders = (correlationId: string, subject: string) => ({
    ce_specversion: '1.0',
    ce_id: randomUUID(),
    ce_source: '/acme/onboarding',
    ce_type: Topic.RegistrationRequested,
    ce_time: new Date().toISOString(),
    ce_subject: subject,
    ce_correlationid: correlationId,
    'content-type': 'application/json',
  });

  it("requests registrations, reads each decision by its correlation id, and the ids are Admit's", async () => {
    const selfAsserted = { redirect_uris: ['https://acme.example/cb'], client_name: `acme console ${run}` };
    const statement = await new SignJWT({ iss: ISSUER, software_id: `acme-cli-${run}`, redirect_uris: ['https://cli.acme.example/cb'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'dir-1' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(anchor.privateKey);
    // A loopback document URL: the SSRF guard refuses it before any traffic, a precise deny.
    const documentUrl = 'https://127.0.0.1/acme-client.json';
    const receivedAt = new Date().toISOString();
    const requests = {
      // The producer names clients as it likes; Admit keeps its own ids and records these as requested_as.
      selfAsserted: { corr: `acme-self-${run}`, key: 'acme-app', body: { client_id: 's_someone-else', source: 'rfc7591', metadata: selfAsserted, received_at: receivedAt } },
      statement: { corr: `acme-statement-${run}`, key: 'acme-cli', body: { client_id: 'acme-cli', source: 'rfc7591', metadata: { software_statement: statement }, received_at: receivedAt } },
      document: { corr: `acme-document-${run}`, key: documentUrl, body: { client_id: documentUrl, source: 'cimd', received_at: receivedAt } },
    };
    // Poison on the partition of the first request, ahead of it: bad headers and bad JSON.
    const poisonHeaders = { ...requestHeaders(`acme-poison-headers-${run}`, 'acme-app'), ce_time: 'yesterday' };
    const poisonJson = requestHeaders(`acme-poison-json-${run}`, 'acme-app');
    const requestTopic = `${topics.prefix}${Topic.RegistrationRequested}`;
    await consoleProduce(requestTopic, [
      producerLine(poisonHeaders, 'acme-app', JSON.stringify(requests.selfAsserted.body)),
      producerLine(poisonJson, 'acme-app', '{"client_id": "acme-app", "source": '),
      ...Object.values(requests).map(({ corr, key, body }) => producerLine(requestHeaders(corr, key), key, JSON.stringify(body))),
    ]);

    const decisions = await consoleConsume(`${topics.prefix}${Topic.RegistrationDecided}`, `${topics.prefix}acme-onboarding`, 3);
    const byCorrelation = new Map<string, ConsumedRecord>(decisions.map((d) => [d.headers.ce_correlationid, d]));
    const decided = (corr: string) => {
      const record = byCorrelation.get(corr);
      if (!record) throw new Error(`no decision carries correlation id ${corr}; got ${[...byCorrelation.keys()].join(', ')}`);
      expect(record.headers).toMatchObject({ ce_specversion: '1.0', ce_type: Topic.RegistrationDecided, ce_source: '/admit/policy', 'content-type': 'application/json' });
      const data = JSON.parse(record.value) as { client_id: string; decision: string; reasons: { code: string }[] };
      // Decisions are keyed, and named, by Admit's id.
      expect(record.headers.ce_subject).toBe(data.client_id);
      expect(record.key).toBe(data.client_id);
      return data;
    };
    expect(decisions).toHaveLength(3);

    const self = decided(requests.selfAsserted.corr);
    expect(self).toMatchObject({ client_id: metadataClientId(selfAsserted), decision: 'allow' });
    const signed = decided(requests.statement.corr);
    expect(signed).toMatchObject({ client_id: expect.stringMatching(/^s_[A-Za-z0-9_-]{43}$/), decision: 'allow' });
    const document = decided(requests.document.corr);
    expect(document).toMatchObject({ client_id: documentUrl, decision: 'deny', reasons: [expect.objectContaining({ code: 'ERR_FETCH_BLOCKED_ADDRESS' })] });

    // Each request is stored once with its validation and its decision, under its correlation id; a
    // producer id Admit did not use is in the evidence, never in the decision.
    const expectations: [string, string, string | undefined][] = [
      [requests.selfAsserted.corr, self.client_id, 's_someone-else'],
      [requests.statement.corr, signed.client_id, 'acme-cli'],
      [requests.document.corr, documentUrl, undefined],
    ];
    for (const [corr, clientId, requestedAs] of expectations) {
      const rows = await eventually(`the audit rows of ${corr}`, async () => {
        const { rows } = await pg.query<{ type: string; subject: string; data: { client_id: string; evidence?: { requested_as?: string } } }>(
          'SELECT type, subject, data FROM audit_events WHERE correlation_id = $1 ORDER BY type',
          [corr],
        );
        return rows.length >= 3 ? rows : undefined;
      });
      expect(rows.map((r) => r.type)).toEqual([Topic.RegistrationDecided, Topic.RegistrationRequested, Topic.RegistrationValidated]);
      const [decidedRow, , validatedRow] = rows;
      expect([decidedRow.data.client_id, validatedRow.data.client_id, validatedRow.subject]).toEqual([clientId, clientId, clientId]);
      expect(validatedRow.data.evidence?.requested_as).toBe(requestedAs);
    }
  });

  it('dead-letters the poison with its reason, once per consumer of the topic, and nothing else', async () => {
    type Letter = { consumer: string; code: string; message: string; correlation: string };
    const letters = await eventually('a dead letter of each poison message from validator and audit', async () => {
      const { rows } = await pg.query<Letter>(
        `SELECT data ->> 'consumer' AS consumer, data -> 'error' ->> 'code' AS code, data -> 'error' ->> 'message' AS message,
                data -> 'headers' ->> 'ce_correlationid' AS correlation
           FROM audit_events WHERE type = $1`,
        [Topic.DeadLetter],
      );
      return rows.length >= 4 ? rows : undefined;
    });
    const sorted = letters
      .map((l) => ({ ...l, consumer: l.consumer.replace(/^.*\./, '') }))
      .sort((a, b) => `${a.correlation}/${a.consumer}`.localeCompare(`${b.correlation}/${b.consumer}`));
    expect(sorted).toEqual(
      [`acme-poison-headers-${run}`, `acme-poison-json-${run}`].flatMap((correlation) =>
        ['audit', 'validator'].map((consumer) => ({
          consumer,
          correlation,
          code: DeadLetterReason.Malformed,
          message: correlation.includes('headers') ? 'ce_time is not an RFC 3339 timestamp' : 'body is not JSON',
        })),
      ),
    );
    // Nothing else was dead-lettered or decided, and every process still runs.
    const { rows } = await pg.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM audit_events GROUP BY type ORDER BY type');
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toMatchObject({
      [Topic.DeadLetter]: 4,
      [Topic.RegistrationDecided]: 3,
      [Topic.RegistrationRequested]: 3,
      [Topic.RegistrationValidated]: 3,
    });
    expect(stack.apps.map((a) => a.child.exitCode)).toEqual(stack.apps.map(() => null));
  });
});
