// Following compacted topics, on both transports. Real: the Kafka broker, the in-process broker,
// the codec and the schemas; nothing stubbed. Each follower stands for one more service instance.
import { BusTransport, InProcessBroker, inProcessTransport, kafkaTransport, Publisher, TopicFollower } from '@admit/bus';
import { CloudEvent, encodeEvent, newEvent, Revocation, Topic } from '@admit/contracts';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const AT = new Date().toISOString();
const revocation = (value: string, reason = 'compromised'): Revocation => ({
  id: `rev-${value}`,
  kind: 'client_id',
  value,
  reason,
  actor: 'ops',
  created_at: AT,
});

/** The table a follower builds: latest revocation per key. */
function table(follower: TopicFollower): { rows: Map<string, Revocation>; caughtUp: Promise<void> } {
  const rows = new Map<string, Revocation>();
  const caughtUp = follower.follow(Topic.Revocations, (key, event: CloudEvent<typeof Topic.Revocations> | null) => {
    if (event) rows.set(key, event.data);
    else rows.delete(key);
  });
  return { rows, caughtUp };
}

describe.each(['kafka', 'in-process'] as const)('TopicFollower (%s)', (kind) => {
  let topics: TestTopics | undefined;
  let broker: InProcessBroker;
  const transports: BusTransport[] = [];

  const transport = (): BusTransport => {
    const t =
      kind === 'kafka'
        ? kafkaTransport({ brokers: KAFKA_BROKERS, clientId: 'follower-test', groupPrefix: topics!.prefix, topicPrefix: topics!.prefix })
        : inProcessTransport(broker);
    transports.push(t);
    return t;
  };

  // Fresh topics per test: each test needs to know exactly what is on them.
  beforeEach(async () => {
    broker = new InProcessBroker();
    if (kind === 'kafka') topics = await createTestTopics('follower');
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map(async (t) => Promise.all([t.follower.close(), t.client.close()])));
    await topics?.drop();
  });

  it('gives every instance the whole table, catches up before resolving, and applies later changes and tombstones live', async () => {
    const publisher = new Publisher(transport().client, 'revocation');
    for (const value of ['c_1', 'c_2', 'c_3']) await publisher.publish(Topic.Revocations, revocation(value), { subject: `client_id:${value}` });
    await publisher.publish(Topic.Revocations, revocation('c_2', 'superseded'), { subject: 'client_id:c_2' });
    await publisher.tombstone(Topic.Revocations, 'client_id:c_3');

    // Two instances: both read every partition, not a share of them.
    const [first, second] = [transport().follower, transport().follower];
    const a = table(first);
    const b = table(second);
    expect(first.pending()).toEqual([Topic.Revocations]);
    await Promise.all([a.caughtUp, b.caughtUp]);
    expect(first.pending()).toEqual([]);
    for (const { rows } of [a, b]) {
      expect([...rows.keys()].sort()).toEqual(['client_id:c_1', 'client_id:c_2']);
      expect(rows.get('client_id:c_2')?.reason).toBe('superseded');
    }

    await publisher.publish(Topic.Revocations, revocation('c_4'), { subject: 'client_id:c_4' });
    await publisher.tombstone(Topic.Revocations, 'client_id:c_1');
    await eventually('the change and the tombstone in both instances', () => {
      for (const { rows } of [a, b]) expect([...rows.keys()].sort()).toEqual(['client_id:c_2', 'client_id:c_4']);
      return true;
    });
  });

  it('resolves at once on an empty topic', async () => {
    const follower = transport().follower;
    const { rows, caughtUp } = table(follower);
    await caughtUp;
    expect(rows.size).toBe(0);
    expect(follower.pending()).toEqual([]);
  });

  it('skips a record that is not a valid event, keeps the rest, and keeps following', async () => {
    const t = transport();
    const bad = encodeEvent(newEvent(Topic.Revocations, revocation('c_bad'), { source: '/test', subject: 'client_id:c_bad' }));
    bad.value = Buffer.from('{"not":"a revocation"}');
    await t.client.send(Topic.Revocations, bad);
    await new Publisher(t.client, 'revocation').publish(Topic.Revocations, revocation('c_good'), { subject: 'client_id:c_good' });
    const { rows, caughtUp } = table(transport().follower);
    await caughtUp;
    expect([...rows.keys()]).toEqual(['client_id:c_good']);
  });

  it('refuses to follow a topic that is not compacted', async () => {
    await expect(transport().follower.follow(Topic.RegistrationDecided, () => undefined)).rejects.toThrow(
      'admit.registration.decided.v1 is not compacted; only compacted topics can be followed',
    );
  });

  it('refuses a tombstone on a topic that is not compacted', async () => {
    await expect(new Publisher(transport().client, 'intake').tombstone(Topic.RegistrationDecided, 'k')).rejects.toMatchObject({
      code: 'ERR_EVENT_INVALID',
    });
  });
});
