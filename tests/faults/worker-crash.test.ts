// kill -9 of a validator, then of a policy engine, under steady registration load. Real: the built
// apps as separate processes (two copies of each worker), the Kafka broker, PostgreSQL. Nothing stubbed.
import { AppName } from '@admit/launcher';
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { Load } from './support/load';

describe('a worker killed with SIGKILL under load (distributed)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    // A short decision timeout, so callers whose partition waits for the group to notice the dead
    // member get 503 (and are still decided) instead of holding every worker of the load; a 10 s
    // session timeout, so the group notices within the test's patience.
    stack = await FaultStack.create('crash', { ADMIT_DECISION_TIMEOUT_MS: '3000', ADMIT_KAFKA_SESSION_TIMEOUT_MS: '10000' });
    await Promise.all(['audit', 'revocation', 'policy', 'policy', 'validator', 'validator', 'intake'].map((name) => stack.start(name as AppName)));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each<AppName>(['validator', 'policy'])('kill -9 of one %s: the other takes its partitions over; every request is decided and audited once', async (name) => {
    const load = new Load(() => stack.url('intake'), `crash-${name}`).start();
    await eventually('decisions before the crash', () => (load.countSince(0, 201) >= 10 ? true : undefined));
    const [victim] = stack.running(name);
    await stack.kill(victim);
    expect(stack.running(name)).toHaveLength(1);
    const mark = load.sent.length;
    await eventually(`decisions after the ${name} died`, () => (load.countSince(mark, 201) >= 20 ? true : undefined), 120_000);
    const sent = await load.stop();
    // The dead member's partitions move only once the group notices it (session timeout), so this
    // also waits for that: every request, on every partition, is decided.
    const ledger = await expectEachDecidedOnce(stack.pg, sent);
    report(`kill -9 ${name}`, ledger);
    // Start the replacement the orchestrator would, so the next fault finds two copies again.
    await stack.start(name);
  }, 300_000);
});
