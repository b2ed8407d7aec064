// PostgreSQL refuses the audit service for at least 10 s under registration load: its connections
// are terminated and new ones refused, then allowed again. Real: the built apps as separate
// processes, the Kafka broker, PostgreSQL. Nothing stubbed.
import { Topic } from '@admit/contracts';
import { Client } from 'pg';
import { withServer } from '../support/database';
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { Load } from './support/load';

const OUTAGE_MS = 10_000;

describe('the audit database unavailable under load (distributed)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.create('auditdb');
    await stack.startAll();
  });
  afterAll(async () => {
    await withServer((admin) => admin.query(`ALTER DATABASE ${stack.dbName} WITH ALLOW_CONNECTIONS true`)).catch(() => undefined);
    await stack?.close();
  });

  it('registrations keep being decided; audit waits, dead-letters nothing, and stores every event once afterwards', async () => {
    const load = new Load(() => stack.url('intake'), 'audit-db').start();
    await eventually('decisions before the outage', () => (load.countSince(0, 201) >= 10 ? true : undefined));
    const [audit] = stack.running('audit');
    const transient = () => audit.output().split('\n').filter((l) => l.includes('transient')).length;
    const before = transient();
    await stack.pg.end();
    await withServer(async (admin) => {
      await admin.query(`ALTER DATABASE ${stack.dbName} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [stack.dbName]);
    });
    const down = Date.now();
    const mark = load.sent.length;
    try {
      // The outage lasts until audit has retried through it, the pipeline has kept deciding, and 10 s passed.
      await eventually(
        'audit retrying through a 10 s outage while registrations are decided',
        () => (transient() > before + 2 && load.countSince(mark, 201) >= 10 && Date.now() - down >= OUTAGE_MS ? true : undefined),
        120_000,
      );
    } finally {
      await withServer((admin) => admin.query(`ALTER DATABASE ${stack.dbName} WITH ALLOW_CONNECTIONS true`));
    }
    const sent = await load.stop();
    stack.pg = new Client({ connectionString: stack.env.DATABASE_URL });
    await stack.pg.connect();
    const ledger = await expectEachDecidedOnce(stack.pg, sent);
    report('audit database outage', ledger);
    const { rows } = await stack.pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = $1`, [Topic.DeadLetter]);
    expect(rows[0].n).toBe(0);
    expect(audit.output()).not.toMatch(/dead-lettered/);
    expect(audit.child.exitCode).toBeNull();
  });
});
