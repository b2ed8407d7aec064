// One contract, both transports. Real: the Kafka broker (kafka transport), the in-process broker,
// Nest's microservice runtime, the codec and the schemas. Only the handlers are test doubles: they
// record what they get and fail on request.
import {
  BusBatchContext,
  BusContext,
  BusErrorFilter,
  BusModule,
  BusTransport,
  consumer,
  InProcessBroker,
  inProcessTransport,
  kafkaTransport,
  Publisher,
  publisherFor,
  RetryPolicy,
  TransientError,
} from '@admit/bus';
import { checkEventData, CloudEvent, DeadLetter, encodeEvent, newEvent, Topic, WireMessage } from '@admit/contracts';
import { Controller, INestMicroservice, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

type Requested = CloudEvent<typeof Topic.RegistrationRequested>;
interface Seen {
  group: string;
  event: Requested;
  topic: string;
  partition: number;
  offset: string;
  attempt: number;
}

const metadataOf = (event: Requested): Record<string, unknown> => (event.data.source === 'rfc7591' ? event.data.metadata : {});

const RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 };
const MAX_BATCH = 4;

interface SeenBatch {
  events: Requested[];
  topic: string;
  partition: number;
  offsets: string[];
  attempt: number;
}

@Injectable()
class Recorder {
  readonly seen: Seen[] = [];
  readonly deadLetters: DeadLetter[] = [];
  readonly stuckAttempts = new Map<string, number>();
  readonly batches: SeenBatch[] = [];
  readonly batchAttempts: { ids: string[]; attempt: number }[] = [];

  /** The batch consumer: fails as the events in the batch ask, else records the batch. */
  recordBatch(events: Requested[], ctx: BusBatchContext): void {
    const behaviours = new Set(events.map((e) => metadataOf(e).behaviour));
    this.batchAttempts.push({ ids: events.map((e) => e.id), attempt: ctx.getAttempt() });
    if (behaviours.has('batch-poison')) throw Object.assign(new Error('cannot take this batch'), { code: 'ERR_TEST_BATCH' });
    if (behaviours.has('batch-dependency-down') && ctx.getAttempt() < 5) throw new TransientError('the database is away');
    this.batches.push({ events, topic: ctx.getTopic(), partition: ctx.getPartition(), offsets: ctx.getOffsets(), attempt: ctx.getAttempt() });
  }

  batchedOf(clientId: string): { event: Requested; batch: SeenBatch }[] {
    return this.batches.flatMap((batch) => batch.events.filter((e) => e.data.client_id === clientId).map((event) => ({ event, batch })));
  }

  record(group: string, event: Requested, ctx: BusContext): void {
    const behaviour = metadataOf(event).behaviour;
    if (group === 'validator' && behaviour === 'fail-always') throw Object.assign(new Error('handler refuses'), { code: 'ERR_TEST' });
    if (group === 'validator' && behaviour === 'fail-twice' && ctx.getAttempt() < 3) throw new Error(`failing attempt ${ctx.getAttempt()}`);
    if (group === 'validator' && behaviour === 'dependency-down' && ctx.getAttempt() < 6) throw new TransientError('the database is away');
    this.seen.push({ group, event, topic: ctx.getTopic(), partition: ctx.getPartition(), offset: ctx.getOffset(), attempt: ctx.getAttempt() });
  }

  of(group: string, clientId: string): Seen[] {
    return this.seen.filter((s) => s.group === group && s.event.data.client_id === clientId);
  }
}

@Controller()
class Handlers {
  constructor(private readonly recorder: Recorder) {}

  @EventPattern(Topic.RegistrationRequested, consumer('validator'))
  async asValidator(@Payload() event: Requested, @Ctx() ctx: BusContext): Promise<void> {
    this.recorder.record('validator', event, ctx);
  }

  @EventPattern(Topic.RegistrationRequested, consumer('policy'))
  asPolicy(@Payload() event: Requested, @Ctx() ctx: BusContext): void {
    this.recorder.record('policy', event, ctx);
  }

  @EventPattern(Topic.DeadLetter, consumer('audit'))
  onDeadLetter(@Payload() event: CloudEvent<typeof Topic.DeadLetter>): void {
    this.recorder.deadLetters.push(event.data);
  }

  /** A consumer of dead letters that cannot handle some: it must wait, not dead-letter a dead letter. */
  @EventPattern(Topic.DeadLetter, consumer('revocation'))
  failOnDeadLetter(@Payload() event: CloudEvent<typeof Topic.DeadLetter>, @Ctx() ctx: BusContext): void {
    if (event.data.key?.startsWith('stuck-')) {
      this.recorder.stuckAttempts.set(event.data.key, ctx.getAttempt());
      throw new Error('cannot handle this dead letter');
    }
  }
}

/** A consumer group that takes batches, beside the per-event groups on the same topic. */
@Controller()
class BatchHandlers {
  constructor(private readonly recorder: Recorder) {}

  @EventPattern(Topic.RegistrationRequested, consumer('intake', { batch: true, maxBatch: MAX_BATCH }))
  asBatch(@Payload() events: Requested[], @Ctx() ctx: BusBatchContext): void {
    this.recorder.recordBatch(events, ctx);
  }
}

interface Harness {
  transport: BusTransport;
  close(): Promise<void>;
}

async function kafkaHarness(): Promise<Harness> {
  const topics: TestTopics = await createTestTopics('bus');
  const transport = kafkaTransport(
    { brokers: KAFKA_BROKERS, clientId: 'admit-bus-test', groupPrefix: topics.prefix, topicPrefix: topics.prefix },
    RETRY,
  );
  return { transport, close: () => topics.drop() };
}

async function inProcessHarness(): Promise<Harness> {
  return { transport: inProcessTransport(new InProcessBroker(3, 10), RETRY), close: async () => undefined };
}

describe.each([
  ['kafka', kafkaHarness],
  ['in-process', inProcessHarness],
])('bus contract (%s transport)', (_name, harness) => {
  let h: Harness;
  let app: INestMicroservice;
  let recorder: Recorder;
  let publisher: Publisher;

  beforeAll(async () => {
    h = await harness();
    @Module({ imports: [BusModule.forRoot(h.transport)], controllers: [Handlers, BatchHandlers], providers: [Recorder, publisherFor('intake')] })
    class TestModule {}
    app = await NestFactory.createMicroservice(TestModule, { strategy: h.transport.server, logger: false });
    app.useGlobalFilters(new BusErrorFilter());
    await app.listen();
    recorder = app.get(Recorder);
    publisher = app.get(Publisher);
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  const request = (clientId: string, extra: Record<string, unknown> = {}) =>
    publisher.publish(
      Topic.RegistrationRequested,
      { client_id: clientId, source: 'rfc7591', metadata: { client_name: 'bus test', ...extra }, received_at: new Date().toISOString() },
      { subject: clientId },
    );
  const sendRaw = (message: WireMessage) => h.transport.client.send(Topic.RegistrationRequested, message);
  const deadLetterOf = (group: string, key: string) =>
    eventually(`a dead letter from ${group} for ${key}`, () => recorder.deadLetters.find((d) => d.consumer === group && d.key === key));

  it('delivers a published event once to every consumer group, decoded, with its position', async () => {
    const clientId = `c-${randomUUID()}`;
    const sent = await request(clientId);
    const [asValidator] = await eventually('the validator delivery', () => recorder.of('validator', clientId)[0] && recorder.of('validator', clientId));
    await eventually('the policy delivery', () => recorder.of('policy', clientId)[0]);
    expect(asValidator.event).toEqual({ ...sent, traceparent: sent.traceparent });
    expect(asValidator).toMatchObject({ topic: Topic.RegistrationRequested, attempt: 1, offset: expect.stringMatching(/^[0-9]+$/) });
    expect(asValidator.partition).toBeGreaterThanOrEqual(0);
    expect(recorder.of('policy', clientId)).toHaveLength(1);
  });

  it('keeps the order of events with the same key', async () => {
    const clientId = `c-${randomUUID()}`;
    for (let seq = 0; seq < 25; seq++) await request(clientId, { seq });
    const seen = await eventually('25 deliveries', () => (recorder.of('validator', clientId).length === 25 ? recorder.of('validator', clientId) : undefined));
    expect(seen.map((s) => metadataOf(s.event).seq)).toEqual([...Array(25).keys()]);
    expect(new Set(seen.map((s) => s.partition)).size).toBe(1);
  });

  it('retries a failing handler with backoff until it succeeds, without dead-lettering', async () => {
    const clientId = `c-${randomUUID()}`;
    await request(clientId, { behaviour: 'fail-twice' });
    const [seen] = await eventually('the third attempt', () => recorder.of('validator', clientId)[0] && recorder.of('validator', clientId));
    expect(seen.attempt).toBe(3);
    await request(clientId, { behaviour: 'marker' });
    await eventually('the next event of the partition', () => recorder.of('validator', clientId)[1]);
    expect(recorder.deadLetters.filter((d) => d.key === clientId)).toEqual([]);
  });

  it('waits out a transient failure past maxAttempts instead of dead-lettering, keeping the order', async () => {
    const clientId = `c-${randomUUID()}`;
    await request(clientId, { behaviour: 'dependency-down' });
    await request(clientId, { behaviour: 'after-outage' });
    const seen = await eventually('both events', () => (recorder.of('validator', clientId).length === 2 ? recorder.of('validator', clientId) : undefined));
    expect(seen.map((s) => [metadataOf(s.event).behaviour, s.attempt])).toEqual([
      ['dependency-down', 6],
      ['after-outage', 1],
    ]);
    expect(recorder.deadLetters.filter((d) => d.key === clientId)).toEqual([]);
  });

  it('dead-letters a handler that keeps failing, and the partition keeps flowing', async () => {
    const clientId = `c-${randomUUID()}`;
    const poison = await request(clientId, { behaviour: 'fail-always' });
    await request(clientId, { behaviour: 'after-poison' });
    const dead = await deadLetterOf('validator', clientId);
    expect(dead).toMatchObject({
      consumer: 'validator',
      topic: Topic.RegistrationRequested,
      key: clientId,
      attempts: RETRY.maxAttempts,
      error: { code: 'ERR_HANDLER_FAILED', message: 'ERR_TEST: handler refuses' },
      headers: expect.objectContaining({ ce_id: poison.id, ce_type: Topic.RegistrationRequested }),
      payload_truncated: false,
    });
    expect(JSON.parse(dead.payload ?? '')).toEqual(poison.data);
    const after = await eventually('the event after the poison one', () => recorder.of('validator', clientId)[0]);
    expect(after.event.data).toMatchObject({ metadata: { behaviour: 'after-poison' } });
    // The other group handled the poison event normally: groups fail independently.
    expect(recorder.of('policy', clientId).map((s) => s.event.id)).toContain(poison.id);
  });

  it('never dead-letters a dead letter: a failing dead-letter consumer waits instead', async () => {
    const key = `stuck-${randomUUID()}`;
    await request(key, { behaviour: 'fail-always' });
    await deadLetterOf('validator', key);
    await eventually('attempts past maxAttempts on the dead letter', () => ((recorder.stuckAttempts.get(key) ?? 0) > RETRY.maxAttempts + 1 ? true : undefined));
    expect(recorder.deadLetters.filter((d) => d.topic === Topic.DeadLetter)).toEqual([]);
  });

  it.each([
    ['an unknown event type', { ce_type: 'admit.bogus.v1' }, '{}', 'ERR_EVENT_UNKNOWN_TYPE', 'unknown event type "admit.bogus.v1"'],
    ['a known type on the wrong topic', { ce_type: Topic.RegistrationDecided }, '{}', 'ERR_EVENT_UNKNOWN_TYPE', 'does not belong on'],
    ['a body that breaks the schema', {}, '{"client_id": 42}', 'ERR_EVENT_INVALID', 'data'],
    ['a body that is not JSON', {}, '{not json', 'ERR_EVENT_MALFORMED', 'body is not JSON'],
    ['a missing ce_id', { ce_id: '' }, '{}', 'ERR_EVENT_MALFORMED', 'missing header ce_id'],
  ])('dead-letters %s with its reason, and keeps consuming', async (_what, headerChanges, body, code, message) => {
    const key = `c-${randomUUID()}`;
    const valid = encodeEvent(newEvent(Topic.RegistrationRequested, { client_id: key, source: 'cimd', received_at: new Date().toISOString() }, { source: '/test', subject: key }));
    await sendRaw({ key, headers: { ...valid.headers, ...headerChanges }, value: Buffer.from(body) });
    const dead = await deadLetterOf('validator', key);
    expect(dead.error.code).toBe(code);
    expect(dead.error.message).toContain(message);
    expect(dead.attempts).toBe(0);
    expect(dead.payload).toBe(body);

    await request(key, { behaviour: 'after-hostile' });
    await eventually('the next valid event', () => recorder.of('validator', key)[0]);
  });

  it('hands an event delivered twice (same CloudEvent id) to the handler once', async () => {
    const clientId = `c-${randomUUID()}`;
    const event = newEvent(
      Topic.RegistrationRequested,
      { client_id: clientId, source: 'rfc7591', metadata: { n: 1 }, received_at: new Date().toISOString() },
      { source: '/test', subject: clientId },
    );
    await sendRaw(encodeEvent(event));
    await sendRaw(encodeEvent(event));
    await request(clientId, { behaviour: 'marker' });
    const seen = await eventually('the marker after the duplicate', () =>
      recorder.of('validator', clientId).some((s) => s.event.id !== event.id) ? recorder.of('validator', clientId) : undefined,
    );
    expect(seen.filter((s) => s.event.id === event.id)).toHaveLength(1);
  });

  describe('batch consumers', () => {
    const batchDeadLetterOf = (key: string) => deadLetterOf('intake', key);

    it('hands every event once, in batches of one partition in offset order, at most maxBatch long', async () => {
      const clientId = `c-${randomUUID()}`;
      for (let seq = 0; seq < 15; seq++) await request(clientId, { seq });
      const seen = await eventually('15 batched events', () => (recorder.batchedOf(clientId).length === 15 ? recorder.batchedOf(clientId) : undefined));
      expect(seen.map((s) => metadataOf(s.event).seq)).toEqual([...Array(15).keys()]);
      for (const { batch } of seen) {
        expect(batch.events.length).toBeGreaterThanOrEqual(1);
        expect(batch.events.length).toBeLessThanOrEqual(MAX_BATCH);
        expect(batch.offsets).toHaveLength(batch.events.length);
        expect(batch.topic).toBe(Topic.RegistrationRequested);
        const offsets = batch.offsets.map(BigInt);
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(new Set(offsets).size).toBe(offsets.length);
      }
      expect(new Set(seen.map((s) => s.batch.partition)).size).toBe(1);
      // The per-event groups on the same topic are unaffected.
      await eventually('the validator deliveries', () => (recorder.of('validator', clientId).length === 15 ? true : undefined));
    });

    it('hands an event delivered twice to the batch handler once', async () => {
      const clientId = `c-${randomUUID()}`;
      const event = newEvent(
        Topic.RegistrationRequested,
        { client_id: clientId, source: 'rfc7591', metadata: { n: 1 }, received_at: new Date().toISOString() },
        { source: '/test', subject: clientId },
      );
      await sendRaw(encodeEvent(event));
      await sendRaw(encodeEvent(event));
      await request(clientId, { behaviour: 'marker' });
      const seen = await eventually('the marker after the duplicate', () =>
        recorder.batchedOf(clientId).some((s) => s.event.id !== event.id) ? recorder.batchedOf(clientId) : undefined,
      );
      expect(seen.filter((s) => s.event.id === event.id)).toHaveLength(1);
    });

    it('waits out a transient failure with the whole batch, past maxAttempts, then hands it over in order', async () => {
      const clientId = `c-${randomUUID()}`;
      await request(clientId, { behaviour: 'batch-dependency-down', seq: 0 });
      await request(clientId, { seq: 1 });
      await request(clientId, { seq: 2 });
      const seen = await eventually('three events after the outage', () => (recorder.batchedOf(clientId).length === 3 ? recorder.batchedOf(clientId) : undefined));
      expect(seen.map((s) => metadataOf(s.event).seq)).toEqual([0, 1, 2]);
      expect(seen[0].batch.attempt).toBe(5);
      expect(recorder.deadLetters.filter((d) => d.key === clientId)).toEqual([]);
    });

    it('dead-letters a poison event alone; the other events of its batch are handled once', async () => {
      const clientId = `c-${randomUUID()}`;
      await request(clientId, { seq: 0 });
      const poison = await request(clientId, { behaviour: 'batch-poison', seq: 1 });
      await request(clientId, { seq: 2 });
      await request(clientId, { seq: 3 });
      const dead = await batchDeadLetterOf(clientId);
      expect(dead).toMatchObject({
        consumer: 'intake',
        key: clientId,
        attempts: RETRY.maxAttempts,
        error: { code: 'ERR_HANDLER_FAILED', message: 'ERR_TEST_BATCH: cannot take this batch' },
        headers: expect.objectContaining({ ce_id: poison.id }),
      });
      const seen = await eventually('the three good events', () => (recorder.batchedOf(clientId).length === 3 ? recorder.batchedOf(clientId) : undefined));
      expect(seen.map((s) => metadataOf(s.event).seq)).toEqual([0, 2, 3]);
      // The poison event alone was tried maxAttempts times.
      const alone = recorder.batchAttempts.filter((a) => a.ids.length === 1 && a.ids[0] === poison.id);
      expect(alone.map((a) => a.attempt)).toEqual([...Array(RETRY.maxAttempts).keys()].map((i) => i + 1));
    });

    it('dead-letters an invalid message from a batch consumer, and keeps consuming', async () => {
      const key = `c-${randomUUID()}`;
      const valid = encodeEvent(newEvent(Topic.RegistrationRequested, { client_id: key, source: 'cimd', received_at: new Date().toISOString() }, { source: '/test', subject: key }));
      await sendRaw({ key, headers: valid.headers, value: Buffer.from('{not json') });
      const dead = await batchDeadLetterOf(key);
      expect(dead).toMatchObject({ consumer: 'intake', attempts: 0, error: { code: 'ERR_EVENT_MALFORMED' } });
      await request(key, { behaviour: 'after-hostile' });
      await eventually('the next valid event', () => recorder.batchedOf(key)[0]);
    });
  });

  it('a poison event holding NUL bytes gets a dead letter the audit store can keep', async () => {
    const key = `c-${randomUUID()}`;
    const valid = encodeEvent(newEvent(Topic.RegistrationRequested, { client_id: key, source: 'cimd', received_at: new Date().toISOString() }, { source: '/test', subject: key }));
    await sendRaw({ key: `${key}\u0000`, headers: { ...valid.headers, 'x-nul\u0000': 'a\u0000b' }, value: Buffer.from('{"client_name":"\u0000"}') });
    const dead = await deadLetterOf('validator', `${key}\ufffd`);
    expect(dead).toMatchObject({ attempts: 0, error: { code: 'ERR_EVENT_MALFORMED' }, payload: '{"client_name":"\ufffd"}', headers: expect.objectContaining({ 'x-nul\ufffd': 'a\ufffdb' }) });
    expect(checkEventData(Topic.DeadLetter, dead)).toBeNull();
  });

  it('refuses to publish an event that breaks its schema', async () => {
    const invalid = { client_id: '', source: 'rfc7591', metadata: {}, received_at: 'yesterday' } as never;
    await expect(publisher.publish(Topic.RegistrationRequested, invalid)).rejects.toMatchObject({
      name: 'PublishError',
      code: 'ERR_EVENT_INVALID',
      message: expect.stringContaining('refusing to publish an invalid admit.registration.requested.v1'),
    });
  });
});
