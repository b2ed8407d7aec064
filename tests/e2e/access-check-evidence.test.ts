// Every access check leaves its evidence, under load: N checks at the bench's concurrency give N
// access.checked events in the audit store, none missing and none doubled. Real: the built apps as
// a user starts them, the Kafka broker, PostgreSQL, PGlite; evidence read through the audit API.
import { PolicyDir, selfAssertedPolicyDir } from '@admit/launcher';
import { randomUUID } from 'node:crypto';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';

const CLIENTS = 50;
const CHECKS = 5_000;
const CONCURRENCY = 32;

const policies: PolicyDir = selfAssertedPolicyDir();
afterAll(() => policies.remove());

describe.each(MODES)('access-check evidence under load (%s)', (mode) => {
  let admit: AdmitUnderTest;

  beforeAll(async () => {
    admit = await startAdmit(mode, { ADMIT_POLICY_DIR: policies.dir });
  });
  afterAll(async () => {
    await admit?.close();
  });

  const post = async <T>(path: string, body: unknown, expected: number): Promise<T> => {
    const res = await fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as T;
    expect(res.status).toBe(expected);
    return answer;
  };

  it(`${CHECKS} checks at ${CONCURRENCY} concurrent: each answered once, and each stored once as admit.access.checked.v1`, async () => {
    const run = randomUUID().slice(0, 8);
    const clients: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      clients.push((await post<{ client_id: string }>('/register', { redirect_uris: ['https://app.example/cb'], client_name: `evidence ${run} ${i}` }, 201)).client_id);
    }
    const answered = new Map<string, string[]>(clients.map((c) => [c, []]));
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CHECKS) {
          const client = clients[next++ % CLIENTS];
          const answer = await post<{ decision: string; check_id: string }>('/access-checks', { client_id: client, action: 'read_files' }, 200);
          expect(answer.decision).toBe('allow');
          answered.get(client)!.push(answer.check_id);
        }
      }),
    );
    expect([...answered.values()].flat()).toHaveLength(CHECKS);

    for (const client of clients) {
      const ids = answered.get(client)!;
      const events = await admit.auditEvents({ client_id: client, type: 'admit.access.checked.v1' }, (stored) => stored.length >= ids.length);
      expect(events.map((e) => e.data.check_id).sort()).toEqual([...ids].sort());
    }
  });
});
