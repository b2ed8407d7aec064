// Every service killed with SIGKILL at once and started again together. Real: the built apps as
// separate processes, the Kafka broker, PostgreSQL. Nothing stubbed.
import { Topic } from '@admit/contracts';
import { metadataClientId } from '@admit/metadata';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { register, Sent } from './support/load';

describe('every service restarted at once (distributed)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.create('restart');
    await stack.startAll();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const policyVersionOf = async (clientId: string): Promise<string> => {
    const [row] = await eventually(`the decision of ${clientId}`, async () => {
      const { rows } = await stack.pg.query<{ version: string }>(`SELECT data ->> 'policy_version' AS version FROM audit_events WHERE subject = $1 AND type = $2`, [
        clientId,
        Topic.RegistrationDecided,
      ]);
      return rows.length > 0 ? rows : undefined;
    });
    return row.version;
  };

  it('is ready only with revocations and policy rebuilt from the compacted topics: the first answers already apply them', async () => {
    const sent: Sent[] = [await register(stack.url('intake'), `before ${randomUUID()}`)];
    expect(sent[0].status).toBe(201);
    const version = await policyVersionOf(sent[0].clientId);

    const revokedName = `revoked ${randomUUID()}`;
    const revokedId = metadataClientId({ redirect_uris: ['https://faults.example/cb'], client_name: revokedName });
    const res = await fetch(`${stack.url('revocation')}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ kind: 'client_id', value: revokedId, reason: 'faults: restart' }),
    });
    expect(res.status).toBe(201);
    await eventually('the revocation to reach the pipeline', async () => ((await register(stack.url('intake'), revokedName)).status === 400 ? true : undefined));

    await Promise.all(stack.running('intake').concat(...['validator', 'policy', 'revocation', 'audit'].map((n) => stack.running(n as 'audit'))).map((app) => stack.kill(app)));
    expect(stack.apps.every((a) => a.child.signalCode === 'SIGKILL')).toBe(true);
    await stack.startAll();

    // No waiting here: ready means each follower read its compacted topic to the end.
    const refused = await register(stack.url('intake'), revokedName);
    expect(refused).toMatchObject({ status: 400, error: 'invalid_client_metadata', description: expect.stringContaining('revoked') });
    const after = await register(stack.url('intake'), `after ${randomUUID()}`);
    expect(after.status).toBe(201);
    sent.push(after);
    expect(await policyVersionOf(after.clientId)).toBe(version);

    report('restart of every service', await expectEachDecidedOnce(stack.pg, sent));
    const { rows } = await stack.pg.query<{ decision: string }>(`SELECT data ->> 'decision' AS decision FROM audit_events WHERE subject = $1 AND type = $2`, [
      revokedId,
      Topic.RegistrationDecided,
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.decision === 'deny')).toBe(true);
  }, 300_000);
});
