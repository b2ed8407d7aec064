// Scale-out: two intakes, two validators and two policy engines, every one its own process. Real: the
// built apps, the Kafka broker, PostgreSQL. Nothing stubbed.
import { selfAssertedPolicyDir, Stack, startDistributed } from '@admit/launcher';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const REQUESTS = 300;
const CONCURRENCY = 16;

describe('several instances of every service (distributed)', () => {
  const policies = selfAssertedPolicyDir();
  let db: TestDatabase;
  let topics: TestTopics;
  let stack: Stack;
  let pg: Client;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase('e2e_scale'), createTestTopics('e2e-scale', 6)]);
    stack = await startDistributed({
      env: {
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        DATABASE_URL: db.url,
        ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
        ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
        ADMIT_HTTP_PORT: '0',
        ADMIT_POLICY_DIR: policies.dir,
        // Long enough to ride out a rebalance: a request is answered, not timed out.
        ADMIT_DECISION_TIMEOUT_MS: '60000',
      },
      scale: { intake: 2, validator: 2, policy: 2 },
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await stack?.stop();
    await pg?.end();
    await Promise.all([db?.drop(), topics?.drop()]);
    policies.remove();
  });

  const intakes = () => stack.apps.filter((a) => a.name === 'intake').map((a) => a.url);

  /** Registers `count` clients, alternating intakes, `CONCURRENCY` at a time; every answer's status and client name. */
  async function register(run: string, count: number, onAnswer?: (answered: number) => void): Promise<{ status: number; name: string }[]> {
    const answers: { status: number; name: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const i = next++;
          const name = `${run}-${i}`;
          const res = await fetch(`${intakes()[i % 2]}/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], client_name: name }),
          });
          const body = (await res.json()) as { client_name?: string };
          answers.push({ status: res.status, name: body.client_name ?? name });
          onAnswer?.(answers.length);
        }
      }),
    );
    return answers;
  }

  /** Decided events in the audit store for this run's clients, counted per client name. */
  async function decidedPerClient(run: string): Promise<Map<string, number>> {
    const { rows } = await pg.query<{ name: string; n: string }>(
      `SELECT data->'metadata'->>'client_name' AS name, count(*) AS n FROM audit_events
        WHERE type = 'admit.registration.decided.v1' AND data->'metadata'->>'client_name' LIKE $1 GROUP BY 1`,
      [`${run}-%`],
    );
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  }

  it(`answers ${REQUESTS} registrations spread over two intakes, each exactly once, with one decision each`, async () => {
    expect(intakes()).toHaveLength(2);
    const run = `spread-${randomUUID().slice(0, 8)}`;
    const answers = await register(run, REQUESTS);
    expect(answers).toHaveLength(REQUESTS);
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.name)).size).toBe(REQUESTS);
    const decided = await eventually('one stored decision per request', async () => {
      const counts = await decidedPerClient(run);
      return counts.size === REQUESTS ? counts : undefined;
    });
    expect([...decided.values()].every((n) => n === 1)).toBe(true);
  });

  it('a validator stopped with SIGTERM under load drops no request', async () => {
    const run = `sigterm-${randomUUID().slice(0, 8)}`;
    const validator = stack.apps.filter((a) => a.name === 'validator')[1];
    let stopping: Promise<number | null> | undefined;
    const answers = await register(run, 150, (answered) => {
      if (answered === 30) stopping = validator.stop();
    });
    expect(await stopping).toBe(0);
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const decided = await eventually('one stored decision per request', async () => {
      const counts = await decidedPerClient(run);
      return counts.size === 150 ? counts : undefined;
    });
    expect([...decided.values()].every((n) => n === 1)).toBe(true);
  });
});
