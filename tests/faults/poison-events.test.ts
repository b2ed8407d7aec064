// Poison events on a live topic: an unknown type, a body invalid against its schema, and bytes that
// are no CloudEvent at all, published raw with kafkajs on the partition of a client that registers
// next. Real: the built apps as separate processes, the Kafka broker, PostgreSQL. Nothing stubbed.
import { DeadLetterReason, encodeEvent, newEvent, Topic, WireMessage } from '@admit/contracts';
import { metadataClientId } from '@admit/metadata';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { KAFKA_BROKERS } from '../support/kafka';
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { register, Sent } from './support/load';

describe('poison events (distributed)', () => {
  let stack: FaultStack;
  let producer: Producer;

  beforeAll(async () => {
    stack = await FaultStack.create('poison');
    await stack.startAll();
    producer = new Kafka({ clientId: 'admit-faults-poison', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await stack?.close();
  });

  /** Publishes bytes as they are, bypassing the Publisher's validation; resolves with partition and offset. */
  async function publishRaw(message: WireMessage): Promise<{ partition: number; offset: string }> {
    const [meta] = await producer.send({ topic: `${stack.topicPrefix}${Topic.RegistrationRequested}`, acks: -1, messages: [message] });
    return { partition: meta.partition, offset: meta.baseOffset! };
  }

  it('dead-letters each with its reason code, for every consumer of the topic, and the partition keeps flowing', async () => {
    const name = `after poison ${randomUUID()}`;
    // The next registration's client id is the key, so the poison sits on its partition, ahead of it.
    const key = metadataClientId({ redirect_uris: ['https://faults.example/cb'], client_name: name });
    const valid = encodeEvent(
      newEvent(Topic.RegistrationRequested, { client_id: key, source: 'rfc7591', metadata: { client_name: name }, received_at: new Date().toISOString() }, { source: '/faults', subject: key }),
    );
    const poisons: [string, WireMessage][] = [
      [DeadLetterReason.UnknownType, { ...valid, headers: { ...valid.headers, ce_id: randomUUID(), ce_type: 'admit.registration.exploded.v1' } }],
      [DeadLetterReason.Invalid, { ...valid, headers: { ...valid.headers, ce_id: randomUUID() }, value: Buffer.from(JSON.stringify({ client_id: 42, source: 'telepathy' })) }],
      [DeadLetterReason.Malformed, { key, headers: {}, value: Buffer.from('not a cloud event') }],
    ];
    const published = [];
    for (const [code, message] of poisons) published.push({ code, ...(await publishRaw(message)) });

    const sent: Sent[] = [await register(stack.url('intake'), name)];
    expect(sent[0]).toMatchObject({ clientId: key, status: 201 });

    type Letter = { consumer: string; offset: string; partition: number; code: string };
    const letters = await eventually('a dead letter of every poison event from each consumer', async () => {
      const { rows } = await stack.pg.query<Letter>(
        `SELECT data ->> 'consumer' AS consumer, data ->> 'offset' AS offset, (data ->> 'partition')::int AS partition, data -> 'error' ->> 'code' AS code
           FROM audit_events WHERE type = $1 AND data ->> 'topic' = $2`,
        [Topic.DeadLetter, Topic.RegistrationRequested],
      );
      return rows.length >= 2 * poisons.length ? rows : undefined;
    });
    const expected = published.flatMap(({ code, partition, offset }) => ['audit', 'validator'].map((consumer) => ({ consumer, code, partition, offset })));
    const byPosition = (a: Letter, b: Letter) => `${a.offset}/${a.consumer}`.localeCompare(`${b.offset}/${b.consumer}`);
    expect(letters.map(({ consumer, code, partition, offset }) => ({ consumer: consumer.replace(/^.*\./, ''), code, partition, offset })).sort(byPosition)).toEqual(
      expected.sort(byPosition),
    );
    // Valid requests on every partition keep being decided after the poison.
    for (let i = 0; i < 6; i++) sent.push(await register(stack.url('intake'), `after poison ${randomUUID()}`));
    expect(sent.map((s) => s.status)).toEqual(sent.map(() => 201));
    report('poison events', await expectEachDecidedOnce(stack.pg, sent));
    // Every process still runs: nothing crashed on the poison.
    expect(stack.apps.map((a) => a.child.exitCode)).toEqual(stack.apps.map(() => null));
  });
});
