import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  isCompacted,
  CloudEvent,
  DeadLetter,
  DeadLetterReason,
  decodeEvent,
  derivedId,
  encodeEvent,
  newEvent,
  Topic,
  WireMessage,
} from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { isObservable, lastValueFrom } from 'rxjs';
import { BusContext } from './bus-context';
import { Delivery } from './delivery';
import { RecentIds } from './recent-ids';
import { backoffMs, RetryPolicy } from './retry-policy';
import { TransientError } from './transient-error';

/** Handlers of one consumer group, by topic. */
export type GroupHandlers = Map<string, MessageHandler[]>;

const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

/**
 * The delivery semantics both transports share. A transport only moves bytes: it hands each
 * message to `deliver` in per-key order, and delivers it again if `deliver` rejects.
 *
 * Handlers are `@EventPattern(topic, consumer('<service>'))` methods. The `consumer` extra names the
 * consumer group, so one process can host several services (embedded mode) and each still gets
 * every event once, with its own retries and dedupe.
 */
export abstract class BusServer extends Server implements CustomTransportStrategy {
  private readonly recent = new Map<string, RecentIds>();
  private listening = false;
  private closing = false;

  constructor(protected readonly retry: RetryPolicy) {
    super();
  }

  /** True once every consumer group is subscribed and receiving. */
  isReady(): boolean {
    return this.listening;
  }

  protected abstract subscribe(groups: Map<string, GroupHandlers>): Promise<void>;
  protected abstract publishWire(topic: string, message: WireMessage): Promise<void>;

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.subscribe(this.consumerGroups());
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
  private consumerGroups(): Map<string, GroupHandlers> {
    const groups = new Map<string, GroupHandlers>();
    for (const [topic, head] of this.getHandlers()) {
      const chain: MessageHandler[] = [];
      for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) chain.push(handler);
      for (const handler of chain) {
        // Nest chains the handlers of one pattern and calling the head runs them all; here each
        // group runs only its own, with its own retries.
        handler.next = undefined;
        const group = handler.extras?.consumer;
        if (!handler.isEventHandler) throw new Error(`${topic}: Admit has no request-reply; use @EventPattern`);
        if (typeof group !== 'string') {
          throw new Error(`the handler of ${topic} names no consumer: use @EventPattern(topic, consumer('<service>'))`);
        }
        const byTopic = groups.get(group) ?? new Map<string, MessageHandler[]>();
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), handler]);
        groups.set(group, byTopic);
      }
    }
    return groups;
  }

  /**
   * Decodes, validates, dedupes and handles one delivery. Resolves once the event is handled or
   * dead-lettered; rejects only if the dead letter could not be published, so the transport
   * delivers the event again instead of losing it.
   */
  protected async deliver(group: string, handlers: MessageHandler[], delivery: Delivery): Promise<void> {
    // A tombstone deletes a key of a compacted topic; it is read by followers, and is no event.
    if (delivery.value === null && isCompacted(delivery.topic)) return;
    const decoded = decodeEvent(delivery.topic, delivery.headers, delivery.value);
    if (!decoded.ok) return this.deadLetter(group, delivery, decoded.code, decoded.message, 0);
    const { event } = decoded;
    const recent = this.recentIds(group);
    if (recent.has(event.id)) return;

    // Only failures of the handler itself count towards dead-lettering; a TransientError waits. So does
    // a failing dead letter: dead-lettering it again would feed the same consumer forever.
    const deadLetterable = delivery.topic !== Topic.DeadLetter;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const ctx = new BusContext([delivery.topic, delivery.partition, delivery.offset, attempt]);
        for (const handler of handlers) await invoke(handler, event, ctx);
        recent.add(event.id);
        return;
      } catch (err) {
        const reason = describe(err);
        const transient = err instanceof TransientError || !deadLetterable;
        if (!transient) failures++;
        if (failures >= this.retry.maxAttempts) {
          return this.deadLetter(group, delivery, DeadLetterReason.HandlerFailed, reason, attempt);
        }
        this.logger.warn(`${group}: ${event.type} ${event.id} failed (attempt ${attempt}${transient ? ', transient' : ''}): ${reason}`);
        await delay(backoffMs(this.retry, attempt));
        // Closing: give the event back undone, so it is delivered again rather than waited on forever.
        if (this.closing) throw new Error(`${group}: closing with ${event.id} unhandled; it will be delivered again`);
        await delivery.keepAlive?.();
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
    const payload = d.value === null ? null : d.value.subarray(0, MAX_DEAD_LETTER_PAYLOAD).toString('utf8');
    const data: DeadLetter = {
      consumer: group,
      topic: d.topic,
      partition: d.partition,
      offset: d.offset,
      key: d.key,
      error: { code, message },
      attempts,
      headers: d.headers,
      payload,
      payload_truncated: d.value !== null && d.value.length > MAX_DEAD_LETTER_PAYLOAD,
      dead_lettered_at: new Date().toISOString(),
    };
    const event = newEvent(Topic.DeadLetter, data, {
      source: `/admit/${group}`,
      subject: d.key ?? undefined,
      // One dead letter per consumer and position, however often the event is delivered.
      id: derivedId(`${group}/${d.topic}/${d.partition}/${d.offset}`, Topic.DeadLetter),
      correlationId: d.headers.ce_correlationid,
    });
    this.logger.error(`${group}: dead-lettered ${d.topic}/${d.partition}@${d.offset}: ${code}: ${message}`);
    await this.publishWire(Topic.DeadLetter, encodeEvent(event));
  }

  private recentIds(group: string): RecentIds {
    let ids = this.recent.get(group);
    if (!ids) this.recent.set(group, (ids = new RecentIds()));
    return ids;
  }
}

async function invoke(handler: MessageHandler, event: CloudEvent, ctx: BusContext): Promise<void> {
  const out: unknown = await handler(event, ctx);
  if (isObservable(out)) await lastValueFrom(out, { defaultValue: undefined });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? code : err.name}: ${err.message}`.slice(0, 1024);
  }
  return String(JSON.stringify(err) ?? err).slice(0, 1024);
}
