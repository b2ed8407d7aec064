import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  isCompacted,
  CloudEvent,
  DeadLetter,
  DeadLetterReason,
  decodeEvent,
  DecodeResult,
  derivedId,
  encodeEvent,
  newEvent,
  storableText,
  Topic,
  WireMessage,
} from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { isObservable, lastValueFrom } from 'rxjs';
import { BusBatchContext, BusContext } from './bus-context';
import { BusMetrics, HandlerOutcome, noBusMetrics } from './bus-metrics';
import { Delivery } from './delivery';
import { KeyedFlow, Taken } from './keyed-flow';
import { ConsumerExtras } from './publisher';
import { RecentIds } from './recent-ids';
import { backoffMs, RetryPolicy } from './retry-policy';
import { FinishedSpan, spanSink, startMsOf } from './spans';
import { childSpan, runInTrace } from './trace-context';
import { TransientError } from './transient-error';

/** Handlers of one consumer group, by topic. */
export type GroupHandlers = Map<string, MessageHandler[]>;

/** One consumer group: its handlers, and whether they take batches (at most `max` events each). */
export interface ConsumerGroup {
  handlers: GroupHandlers;
  batch?: { max: number };
}

const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

/**
 * The delivery semantics both transports share. A transport only moves bytes: it hands each
 * message to `deliver` in per-key order, and delivers it again if `deliver` rejects.
 *
 * Handlers are `@EventPattern(topic, consumer('<service>'))` methods. The `consumer` extra names the
 * consumer group, so one process can host several services (embedded mode) and each still gets
 * every event once, with its own retries and dedupe. `consumer('<service>', { batch: true })` makes a
 * group's handlers take `CloudEvent[]` of one partition instead (see `deliverBatch`).
 */
export abstract class BusServer extends Server implements CustomTransportStrategy {
  private readonly recent = new Map<string, RecentIds>();
  /** Per-event groups' flows, by group and topic-partition. */
  private readonly flows = new Map<string, KeyedFlow>();
  private listening = false;
  private closing = false;
  private metrics: BusMetrics = noBusMetrics;
  private subscribed: { group: string; topics: string[] }[] = [];

  constructor(protected readonly retry: RetryPolicy) {
    super();
  }

  /** True once every consumer group is subscribed and receiving. */
  isReady(): boolean {
    return this.listening;
  }

  /** Reports handler latency and dead letters to `metrics` from now on. */
  useMetrics(metrics: BusMetrics): void {
    this.metrics = metrics;
  }

  /** The consumer groups this server runs and the topics each reads (for consumer lag). */
  subscriptions(): { group: string; topics: string[] }[] {
    return this.subscribed;
  }

  protected abstract subscribe(groups: Map<string, ConsumerGroup>): Promise<void>;
  protected abstract publishWire(topic: string, message: WireMessage): Promise<void>;

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const groups = this.consumerGroups();
      this.subscribed = [...groups].map(([group, { handlers }]) => ({ group, topics: [...handlers.keys()] }));
      await this.subscribe(groups);
      this.listening = true;
      callback();
    } catch (err) {
      callback(err);
    }
  }

  protected markClosed(): void {
    this.listening = false;
    this.closing = true;
  }

  on(): void {
    // Status events are not exposed; readiness comes from isReady().
  }

  /** Groups every registered handler by the consumer named in its pattern extras. */
  private consumerGroups(): Map<string, ConsumerGroup> {
    const groups = new Map<string, ConsumerGroup>();
    for (const [topic, head] of this.getHandlers()) {
      const chain: MessageHandler[] = [];
      for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) chain.push(handler);
      for (const handler of chain) {
        // Nest chains the handlers of one pattern and calling the head runs them all; here each
        // group runs only its own, with its own retries.
        handler.next = undefined;
        const extras = handler.extras as Partial<ConsumerExtras> | undefined;
        const name = extras?.consumer;
        if (!handler.isEventHandler) throw new Error(`${topic}: Admit has no request-reply; use @EventPattern`);
        if (typeof name !== 'string') {
          throw new Error(`the handler of ${topic} names no consumer: use @EventPattern(topic, consumer('<service>'))`);
        }
        const group = groups.get(name) ?? { handlers: new Map<string, MessageHandler[]>(), batch: extras?.batch };
        // One group, one way of consuming: Kafka runs a group's consumer either per message or per batch.
        if ((group.batch === undefined) !== (extras?.batch === undefined)) {
          throw new Error(`consumer ${name} mixes batch and per-event handlers (${topic}); a group takes one or the other`);
        }
        if (group.batch && extras?.batch) group.batch = { max: Math.min(group.batch.max, extras.batch.max) };
        group.handlers.set(topic, [...(group.handlers.get(topic) ?? []), handler]);
        groups.set(name, group);
      }
    }
    return groups;
  }

  /**
   * Decodes, validates, dedupes and handles one delivery. Resolves once the event is handled or
   * dead-lettered; rejects only when the server closes first, so the transport delivers the event
   * again instead of losing it.
   */
  protected async deliver(group: string, handlers: MessageHandler[], delivery: Delivery): Promise<void> {
    // A tombstone deletes a key of a compacted topic; it is read by followers, and is no event.
    if (delivery.value === null && isCompacted(delivery.topic)) return;
    const decoded = decode(delivery);
    if (!decoded.ok) return this.deadLetterUntilPublished(group, delivery, decoded.code, decoded.message, 0);
    const { event } = decoded;
    const recent = this.recentIds(group);
    if (recent.has(event.id)) return;

    // Only failures of the handler itself count towards dead-lettering; a TransientError waits. So does
    // a failing dead letter: dead-lettering it again would feed the same consumer forever.
    const deadLetterable = delivery.topic !== Topic.DeadLetter;
    let failures = 0;
    // The handler's span: logs carry its ids, and what it publishes stays in the event's trace.
    const trace = { traceparent: childSpan(event.traceparent), correlationId: event.correlationid };
    for (let attempt = 1; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        const ctx = new BusContext([delivery.topic, delivery.partition, delivery.offset, attempt]);
        await runInTrace(trace, async () => {
          for (const handler of handlers) await invoke(handler, event, ctx);
          this.logger.debug?.(`${group}: handled ${event.type} ${event.id}`);
        });
        this.measure(group, delivery.topic, 'ok', started);
        recent.add(event.id);
        const spans = spanSink();
        if (spans) spans.record(consumerSpan(group, delivery, event.traceparent, trace.traceparent, started));
        return;
      } catch (err) {
        const reason = describe(err);
        const transient = err instanceof TransientError || !deadLetterable;
        this.measure(group, delivery.topic, transient ? 'transient' : 'failed', started);
        if (!transient) failures++;
        if (failures >= this.retry.maxAttempts) {
          return this.deadLetterUntilPublished(group, delivery, DeadLetterReason.HandlerFailed, reason, attempt);
        }
        this.logger.warn(`${group}: ${event.type} ${event.id} failed (attempt ${attempt}${transient ? ', transient' : ''}): ${reason}`);
        await delay(backoffMs(this.retry, attempt));
        // Closing: give the event back undone, so it is delivered again rather than waited on forever.
        if (this.closing) throw new Error(`${group}: closing with ${event.id} unhandled; it will be delivered again`);
        await keepAlive(delivery);
      }
    }
  }

  /**
   * What a transport hands a group: messages of one topic-partition in offset order, as fetched,
   * continuing those handed over before. Batch groups get them as one `CloudEvent[]`, and the
   * promise resolves once they are handled. Per-event groups take them on in their keys' turns
   * (`KeyedFlow`): it resolves as soon as the partition may hand over more, and `handled` settles
   * once each is handled or dead-lettered. A transport commits an offset only once `handled` of
   * everything up to it resolved; `handled` rejects only when the server closes with an event
   * unhandled, which is then delivered again from the last committed offset.
   */
  protected async take(group: string, { handlers, batch }: ConsumerGroup, deliveries: Delivery[]): Promise<Taken> {
    const [{ topic, partition }] = deliveries;
    if (batch) {
      await this.deliverBatch(group, handlers.get(topic) ?? [], deliveries);
      return { handled: Promise.resolve() };
    }
    const position = `${group}\u0000${topic}/${partition}`;
    let flow = this.flows.get(position);
    if (!flow) this.flows.set(position, (flow = new KeyedFlow()));
    return flow.take(deliveries, (delivery) => this.deliver(group, handlers.get(delivery.topic) ?? [], delivery));
  }

  /** Resolves once every event taken on by a per-event group has settled (for closing). */
  protected async settled(): Promise<void> {
    await Promise.all([...this.flows.values()].map((flow) => flow.settled()));
  }

  /**
   * The batch form of `deliver`: deliveries of one topic-partition in offset order. Tombstones are
   * skipped, invalid messages dead-lettered one by one, duplicates dropped, and the rest handed to
   * the handlers as one `CloudEvent[]`. A transient failure waits with the whole batch; any other
   * failure splits it, so each event gets its own retries and a poison event is dead-lettered alone
   * while the others are handled. Resolves once every delivery is handled or dead-lettered.
   */
  private async deliverBatch(group: string, handlers: MessageHandler[], deliveries: Delivery[]): Promise<void> {
    const recent = this.recentIds(group);
    const batch: { event: CloudEvent; delivery: Delivery }[] = [];
    const ids = new Set<string>();
    for (const delivery of deliveries) {
      if (delivery.value === null && isCompacted(delivery.topic)) continue;
      const decoded = decode(delivery);
      if (!decoded.ok) {
        await this.deadLetter(group, delivery, decoded.code, decoded.message, 0);
        continue;
      }
      // A copy inside the batch is as much a duplicate as one handled earlier.
      if (recent.has(decoded.event.id) || ids.has(decoded.event.id)) continue;
      ids.add(decoded.event.id);
      batch.push({ event: decoded.event, delivery });
    }
    if (batch.length === 0) return;
    await this.handleBatch(group, handlers, batch);
  }

  private async handleBatch(group: string, handlers: MessageHandler[], batch: { event: CloudEvent; delivery: Delivery }[]): Promise<void> {
    const recent = this.recentIds(group);
    const [{ delivery: first }] = batch;
    const deadLetterable = first.topic !== Topic.DeadLetter;
    const events = batch.map((b) => b.event);
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        const ctx = new BusBatchContext([first.topic, first.partition, batch.map((b) => b.delivery.offset), attempt]);
        for (const handler of handlers) await invoke(handler, events, ctx);
        this.measure(group, first.topic, 'ok', started);
        // A batch has no one trace: each event's line carries its own.
        const spans = spanSink();
        for (const event of events) {
          recent.add(event.id);
          if (spans) spans.record(consumerSpan(group, first, event.traceparent, childSpan(event.traceparent), started));
          runInTrace({ traceparent: childSpan(event.traceparent), correlationId: event.correlationid }, () =>
            this.logger.debug?.(`${group}: handled ${event.type} ${event.id}`),
          );
        }
        return;
      } catch (err) {
        const reason = describe(err);
        const transient = err instanceof TransientError || !deadLetterable;
        this.measure(group, first.topic, transient ? 'transient' : 'failed', started);
        if (!transient && batch.length > 1) {
          this.logger.warn(`${group}: a batch of ${batch.length} from ${first.topic}/${first.partition} failed; handling its events one by one: ${reason}`);
          for (const one of batch) await this.handleBatch(group, handlers, [one]);
          return;
        }
        if (!transient) failures++;
        if (failures >= this.retry.maxAttempts) {
          return this.deadLetter(group, first, DeadLetterReason.HandlerFailed, reason, attempt);
        }
        const what = batch.length === 1 ? `${events[0].type} ${events[0].id}` : `a batch of ${batch.length} from ${first.topic}/${first.partition}@${first.offset}`;
        this.logger.warn(`${group}: ${what} failed (attempt ${attempt}${transient ? ', transient' : ''}): ${reason}`);
        await delay(backoffMs(this.retry, attempt));
        if (this.closing) throw new Error(`${group}: closing with ${what} unhandled; it will be delivered again`);
        await first.keepAlive?.();
      }
    }
  }

  /**
   * A per-event delivery's dead letter. Later offsets may be handled meanwhile, so the transport
   * cannot simply deliver this one again: a dead letter that cannot be published (the broker is
   * away) waits and is tried again here, until it is published or the server closes.
   */
  private async deadLetterUntilPublished(group: string, d: Delivery, code: DeadLetterReason, message: string, attempts: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deadLetter(group, d, code, message, attempts);
      } catch (err) {
        this.logger.warn(`${group}: the dead letter of ${d.topic}/${d.partition}@${d.offset} was not published (attempt ${attempt}): ${describe(err)}`);
        await delay(backoffMs(this.retry, attempt));
        if (this.closing) throw new Error(`${group}: closing with ${d.topic}/${d.partition}@${d.offset} not dead-lettered; it will be delivered again`);
        await keepAlive(d);
      }
    }
  }

  private async deadLetter(
    group: string,
    d: Delivery,
    code: DeadLetterReason,
    message: string,
    attempts: number,
  ): Promise<void> {
    // A poison event may hold text the audit store cannot keep (a NUL byte); its dead letter must not.
    const text = storableText;
    const payload = d.value === null ? null : text(d.value.subarray(0, MAX_DEAD_LETTER_PAYLOAD).toString('utf8'));
    const key = d.key === null ? null : text(d.key);
    const data: DeadLetter = {
      consumer: group,
      topic: d.topic,
      partition: d.partition,
      offset: d.offset,
      key,
      error: { code, message: text(message) },
      attempts,
      headers: Object.fromEntries(Object.entries(d.headers).map(([name, value]) => [text(name), text(value)])),
      payload,
      payload_truncated: d.value !== null && d.value.length > MAX_DEAD_LETTER_PAYLOAD,
      dead_lettered_at: new Date().toISOString(),
    };
    const event = newEvent(Topic.DeadLetter, data, {
      source: `/admit/${group}`,
      subject: key ?? undefined,
      // One dead letter per consumer and position, however often the event is delivered.
      id: derivedId(`${group}/${d.topic}/${d.partition}/${d.offset}`, Topic.DeadLetter),
      correlationId: d.headers.ce_correlationid === undefined ? undefined : text(d.headers.ce_correlationid),
    });
    this.metrics.deadLettered(group, d.topic, code);
    this.logger.error(`${group}: dead-lettered ${d.topic}/${d.partition}@${d.offset}: ${code}: ${message}`);
    await this.publishWire(Topic.DeadLetter, encodeEvent(event));
  }

  private measure(group: string, topic: string, outcome: HandlerOutcome, started: bigint): void {
    this.metrics.handled(group, topic, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private recentIds(group: string): RecentIds {
    let ids = this.recent.get(group);
    if (!ids) this.recent.set(group, (ids = new RecentIds()));
    return ids;
  }
}

/** An in-process delivery carries its event already checked; anything else is decoded and validated here. */
function decode(delivery: Delivery): DecodeResult {
  return delivery.event ? { ok: true, event: delivery.event } : decodeEvent(delivery.topic, delivery.headers, delivery.value);
}

/**
 * A per-event delivery runs after its batch was taken on, while the consumer goes on fetching and
 * rejoins the group itself on a rebalance; a heartbeat that fails here must not fail the event.
 */
async function keepAlive(delivery: Delivery): Promise<void> {
  await delivery.keepAlive?.().catch(() => undefined);
}

async function invoke(handler: MessageHandler, payload: CloudEvent | CloudEvent[], ctx: BusContext | BusBatchContext): Promise<void> {
  const out: unknown = await handler(payload, ctx);
  if (isObservable(out)) await lastValueFrom(out, { defaultValue: undefined });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? code : err.name}: ${err.message}`.slice(0, 1024);
  }
  return String(JSON.stringify(err) ?? err).slice(0, 1024);
}

/** The span of one handled delivery: a child of the span the event carries. */
function consumerSpan(group: string, delivery: Delivery, parent: string, traceparent: string, started: bigint): FinishedSpan {
  const endMs = Date.now();
  return {
    name: `${group} process ${delivery.topic}`,
    kind: 'consumer',
    traceparent,
    parent,
    startMs: startMsOf(started, endMs),
    endMs,
    attributes: { 'messaging.consumer.group.name': group, 'messaging.destination.name': delivery.topic, 'messaging.destination.partition.id': String(delivery.partition) },
  };
}
