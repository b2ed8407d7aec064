// Audit instances hand Kafka partitions over under registration load: a second audit starts (its
// group spreads the partitions over both), then the first stops. Each topic-partition's hash chain
// moves with its partition, so every chain must still verify, with every event stored once. Real:
// the built apps as separate processes, the Kafka broker, PostgreSQL. Nothing stubbed.
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { Load } from './support/load';

/** Events this audit process has handled, from its own /metrics (batches of the audit group). */
async function handledBatches(auditUrl: string): Promise<number> {
  const text = await (await fetch(`${auditUrl}/metrics`)).text();
  return [...text.matchAll(/^admit_bus_handler_duration_seconds_count\{[^}]*consumer="audit"[^}]*outcome="ok"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('audit partitions handed between two audit instances under load (distributed)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.create('handover');
    await stack.startAll();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a second audit starts, then the first stops: every event is stored once and every chain verifies', async () => {
    const load = new Load(() => stack.url('intake'), 'handover').start();
    await eventually('decisions before the second audit', () => (load.countSince(0, 201) >= 10 ? true : undefined));
    const [first] = stack.running('audit');
    const second = await stack.start('audit');
    // Both store events: the group gave the new instance partitions while the load went on.
    await eventually('the second audit storing events', async () => ((await handledBatches(second.url)) > 0 ? true : undefined), 60_000);
    const mark = load.sent.length;
    expect(await first.stop()).toBe(0);
    await eventually('decisions after the first audit stopped', () => (load.countSince(mark, 201) >= 20 ? true : undefined), 60_000);
    const ledger = await expectEachDecidedOnce(stack.pg, await load.stop());
    report('audit handover', ledger);

    const res = await fetch(`${second.url}/audit/verify`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    const verified = (await res.json()) as { ok: boolean; chains: unknown[]; unchained: { count: number } };
    expect(res.status).toBe(200);
    expect(verified).toMatchObject({ ok: true, unchained: { count: 0 } });
    expect(verified.chains.length).toBeGreaterThan(0);
  }, 300_000);
});
