import './kafkajs-idle-loop';
import { Logger } from '@nestjs/common';
import { WireMessage } from '@admit/contracts';
import { Consumer, Kafka, logLevel, LogEntry, Message, Partitioners, Producer } from 'kafkajs';
import { TransientError } from '../transient-error';

/** How long a fetch waits at the broker when no message arrives (see KafkaConnection.consumer). */
export const FETCH_MAX_WAIT_MS = 500;
/**
 * A fetch the broker answers once it holds `minBytes` for the consumer, or after `maxWaitMs`: fewer,
 * larger batches for a group whose events no caller waits for.
 */
export interface Gather {
  minBytes: number;
  maxWaitMs: number;
}

/** A produce request carries at most this many messages, or bytes of bodies: well under the broker's 1 MiB default. */
const MAX_BATCH = 500;
const MAX_BATCH_BYTES = 512 * 1024;

/** How many of the queued messages the next request takes: at least one, however large. */
function batchLength(queued: Queued[]): number {
  let bytes = 0;
  for (let i = 0; i < Math.min(queued.length, MAX_BATCH); i++) {
    bytes += queued[i].message.value?.length ?? 0;
    if (bytes > MAX_BATCH_BYTES && i > 0) return i;
  }
  return Math.min(queued.length, MAX_BATCH);
}

/**
 * Errors after which the idempotent producer's sequence numbers no longer match the broker's, so
 * none of its later requests can succeed: kafkajs keeps its producer id and sequences, where Kafka's
 * own client starts afresh. Seen after a broker restart under load (tests/faults/broker-outage).
 */
const PRODUCER_STATE_LOST = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** Whether `err`, or an error it was caused by (kafkajs wraps the last one when it gives up), passes `test`. */
function someCause(err: unknown, test: (e: Error & { type?: string; retriable?: unknown }) => boolean): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (test(e)) return true;
  return false;
}

/** Whether `err`, or an error it was caused by, is one of PRODUCER_STATE_LOST. */
const producerStateLost = (err: unknown): boolean => someCause(err, (e) => PRODUCER_STATE_LOST.has(e.type ?? ''));

/**
 * Whether the broker may take the batch later: kafkajs marks an error retriable when the broker is
 * unreachable or not ready (a refused connection, a leader moving), and gives up with that error as
 * the cause. A handler that published then waits for the broker (TransientError) instead of counting
 * towards its event's dead-lettering.
 */
const retriable = (err: unknown): boolean => someCause(err, (e) => e.retriable === true);

interface Queued {
  topic: string;
  message: WireMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  /** Consumer groups are named `<groupPrefix>.<service>`. */
  groupPrefix: string;
  /** Prepended to every topic name, so several Admit environments can share one cluster. */
  topicPrefix?: string;
  /**
   * How long the group waits for a silent member before giving its partitions to the others
   * (kafkajs's default: 30 s). Shorter moves a crashed instance's work sooner; too short takes work
   * from an instance that is only busy.
   */
  sessionTimeoutMs?: number;
}

/** One kafkajs client and one idempotent producer per process, shared by the bus server and client. */
export class KafkaConnection {
  readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly queued: Queued[] = [];
  private flushing = false;
  private readonly logger = new Logger('kafkajs');

  constructor(readonly options: KafkaOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.log(entry),
    });
  }

  /**
   * A consumer in group `<groupPrefix>.<name>`, with the session timeout every group shares; topics
   * are never created by reading them. A fetch returns as soon as a message arrives, and waits at
   * most FETCH_MAX_WAIT_MS when none does; a consumer that stops waits for its fetch in flight, so
   * this also bounds how long a stopping service waits (kafkajs' default, 5 s, made every stop last
   * seconds). `gather` lets a group that takes batches trade a few milliseconds for larger ones.
   */
  consumer(name: string, gather?: Gather): Consumer {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    return this.kafka.consumer({
      groupId: `${this.options.groupPrefix}.${name}`,
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
      maxWaitTimeInMs: gather?.maxWaitMs ?? FETCH_MAX_WAIT_MS,
      minBytes: gather?.minBytes ?? 1,
    });
  }

  /**
   * Sends with acks=all through an idempotent producer: no loss, no duplicates from retries. While
   * one request is in flight, later sends queue up and go together in the next one, so under load
   * a request carries many messages and at rest nothing waits for a linger timer. Requests go one at
   * a time, so per-partition order is the order of the calls.
   */
  send(topic: string, message: WireMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ topic: this.physical(topic), message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, batchLength(this.queued));
      try {
        const producer = await this.connectedProducer();
        const byTopic = new Map<string, Message[]>();
        for (const { topic, message } of batch) {
          if (!byTopic.has(topic)) byTopic.set(topic, []);
          byTopic.get(topic)!.push({ key: message.key, value: message.value, headers: message.headers });
        }
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const queued of batch) queued.resolve();
      } catch (err) {
        const stateLost = producerStateLost(err);
        if (stateLost) {
          // The next send gets a new producer, whose id and sequences are new to the broker. A batch
          // this producer did get written is written again by its callers' retries; consumers drop
          // the copy by event id.
          this.logger.warn(`producer: ${String(err)}; starting a new producer`);
          await this.dropProducer().catch(() => undefined);
        }
        // A replaced producer takes the batch on the next attempt, so that is transient too.
        const failure = stateLost || retriable(err) ? new TransientError(`Kafka did not take the batch: ${String(err)}`, { cause: err }) : err;
        for (const queued of batch) queued.reject(failure);
      }
    }
    this.flushing = false;
  }

  /** The Kafka topic that carries a catalog topic. */
  physical(topic: string): string {
    return `${this.options.topicPrefix ?? ''}${topic}`;
  }

  /** The catalog topic a Kafka topic carries. */
  logical(topic: string): string {
    return topic.slice((this.options.topicPrefix ?? '').length);
  }

  connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // The Java-compatible partitioner, so other Kafka clients keying by client id agree on partitions.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      this.producer = undefined;
      throw err;
    });
    return this.producer;
  }

  async close(): Promise<void> {
    await this.dropProducer();
  }

  /** Disconnects the producer, if there is one; the next send connects a new one. */
  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }

  private log({ namespace, level, log }: LogEntry): void {
    const line = `${namespace}: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`;
    if (level === logLevel.ERROR) this.logger.error(line);
    else this.logger.warn(line);
  }
}
