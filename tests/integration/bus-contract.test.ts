// One contract, both transports. Real: the Kafka broker (kafka transport), the in-process broker,
// Nest's microservice runtime, the codec and the schemas. Only the handlers are test doubles: they
// record what they get and fail on request.
import {
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
import { CloudEvent, DeadLetter, encodeEvent, newEvent, Topic, WireMessage } from '@admit/contracts';
import { Controller, INestMicroservice, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
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

@Injectable()
class Recorder {
  readonly seen: Seen[] = [];
  readonly deadLetters: DeadLetter[] = [];
  readonly stuckAttempts = new Map<string, number>();

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
    @Module({ imports: [BusModule.forRoot(h.transport)], controllers: [Handlers], providers: [Recorder, publisherFor('intake')] })
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
  const sendRaw = (message: WireMessage) => lastValueFrom(h.transport.client.emit(Topic.RegistrationRequested, message));
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

  it('refuses to publish an event that breaks its schema', async () => {
    const invalid = { client_id: '', source: 'rfc7591', metadata: {}, received_at: 'yesterday' } as never;
    await expect(publisher.publish(Topic.RegistrationRequested, invalid)).rejects.toMatchObject({
      name: 'PublishError',
      code: 'ERR_EVENT_INVALID',
      message: expect.stringContaining('refusing to publish an invalid admit.registration.requested.v1'),
    });
  });
});
