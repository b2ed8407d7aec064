import { Provider } from '@nestjs/common';
import {
  CodedError,
  isCompacted,
  checkEventData,
  CloudEvent,
  DeadLetterReason,
  encodeEvent,
  EventData,
  newEvent,
  NewEventOptions,
  ServiceName,
  Topic,
  WireMessage,
} from '@admit/contracts';
import { BUS_METRICS, BusMetrics, noBusMetrics } from './bus-metrics';
import { spanSink } from './spans';
import { currentTrace } from './trace-context';

export const BUS_CLIENT = Symbol('BUS_CLIENT');

/** What the publisher sends: the encoded message, and the event itself for a transport that can skip decoding it. */
export type OutgoingMessage = WireMessage & { event?: CloudEvent };

/** Puts messages on the bus; resolves once the transport holds them (Kafka: acknowledged with acks=all). */
export interface BusSender {
  send(topic: string, message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

export class PublishError extends CodedError<DeadLetterReason> {}

/** Publishes events as one service: validated, wrapped in a CloudEvent, sent through the bus client. */
export class Publisher {
  constructor(
    private readonly sender: BusSender,
    readonly service: ServiceName,
    private readonly metrics: BusMetrics = noBusMetrics,
  ) {}

  async publish<T extends Topic>(
    topic: T,
    data: EventData<T>,
    opts: Omit<NewEventOptions, 'source'> = {},
  ): Promise<CloudEvent<T>> {
    const invalid = checkEventData(topic, data);
    // Never put an event on the bus that its consumers would dead-letter.
    if (invalid) throw new PublishError(DeadLetterReason.Invalid, `refusing to publish an invalid ${topic}: ${invalid}`);
    // Without a cause, the event continues the trace of the work publishing it (an HTTP request, say).
    const traceparent = opts.traceparent ?? (opts.cause ? undefined : currentTrace()?.traceparent);
    const event = newEvent(topic, data, { ...opts, traceparent, source: `/admit/${this.service}` });
    await this.sender.send(topic, { ...encodeEvent(event), event });
    this.metrics.published(event);
    // An event with a span of its own (derived from a cause, or a new trace) is a producer span of the work publishing it.
    const spans = spanSink();
    if (spans && event.traceparent !== traceparent) {
      const now = Date.now();
      spans.record({ name: `publish ${topic}`, kind: 'producer', traceparent: event.traceparent, parent: currentTrace()?.traceparent ?? opts.cause?.traceparent, startMs: now, endMs: now, attributes: { 'messaging.destination.name': topic, 'messaging.message.id': event.id } });
    }
    return event;
  }

  /**
   * Deletes `key` from a compacted topic: a tombstone, a null body under the key. Followers drop the
   * key; compaction later removes it with its earlier records.
   */
  async tombstone(topic: Topic, key: string): Promise<void> {
    if (!isCompacted(topic)) throw new PublishError(DeadLetterReason.Invalid, `${topic} is not compacted; tombstones would be dead-lettered`);
    await this.sender.send(topic, { key, headers: {}, value: null });
  }
}

/** The `Publisher` provider for one service's module. */
export function publisherFor(service: ServiceName): Provider {
  return {
    provide: Publisher,
    useFactory: (sender: BusSender, metrics?: BusMetrics) => new Publisher(sender, service, metrics),
    inject: [BUS_CLIENT, { token: BUS_METRICS, optional: true }],
  };
}

/** How a handler takes its events: one at a time (the default), or in batches of one partition. */
export interface ConsumerOptions {
  /**
   * The handler gets `CloudEvent[]`: events of one topic-partition in offset order, at most
   * `maxBatch` (default 500) of them, and a `BusBatchContext`. A consumer group is all batch or all not.
   */
  batch?: boolean;
  maxBatch?: number;
}

export interface ConsumerExtras {
  consumer: ServiceName;
  batch?: { max: number };
}

export const DEFAULT_MAX_BATCH = 500;

/** Pattern extras naming the consumer group (the service) a handler belongs to, and how it takes events. */
export function consumer(service: ServiceName, options: ConsumerOptions = {}): ConsumerExtras {
  if (!options.batch) return { consumer: service };
  const max = options.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(max) || max < 1) throw new Error(`consumer ${service}: maxBatch must be a positive integer, got ${max}`);
  return { consumer: service, batch: { max } };
}
