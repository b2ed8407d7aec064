import { WireMessage, headersToStrings } from '@admit/contracts';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { BusServer, ConsumerGroup } from '../bus-server';
import { Delivery } from '../delivery';
import { Taken } from '../keyed-flow';
import { DEFAULT_MAX_BATCH } from '../publisher';
import { RetryPolicy } from '../retry-policy';
import { Gather, KafkaConnection } from './kafka-connection';
import { OffsetCommits } from './offset-commits';

const JOIN_TIMEOUT_MS = 60_000;

/**
 * Groups that take batches (the audit store) read every topic and answer no caller: the broker
 * gathers up to 1 MiB, or 100 ms, per fetch, so each fetch, group commit and offset commit carries
 * many events instead of a few, and the broker answers far fewer fetches. At 1,000 access checks/s
 * (measured), 100 ms instead of 20 cut the audit process's CPU per event by two fifths and
 * PostgreSQL's by a quarter; an event reaches the audit store at most about 100 ms later.
 */
const BATCH_GATHER: Gather = { minBytes: 1024 * 1024, maxWaitMs: 100 };

/**
 * A Nest transport over kafkajs that avoids the pitfalls of Nest's own: offsets are committed only
 * after the handler succeeded or the event was dead-lettered, so a failing handler never blocks a
 * partition forever, and there is no request-reply over `.reply` topics.
 */
export class KafkaBusServer extends BusServer {
  private consumers: { consumer: Consumer; topics: string[]; commits: OffsetCommits }[] = [];

  constructor(
    private readonly connection: KafkaConnection,
    retry: RetryPolicy,
    private readonly partitionsConsumedConcurrently = 6,
  ) {
    super(retry);
  }

  protected async subscribe(groups: Map<string, ConsumerGroup>): Promise<void> {
    await this.connection.connectedProducer();
    for (const [group, consumerGroup] of groups) {
      const { handlers, batch } = consumerGroup;
      const consumer = this.connection.consumer(group, batch ? BATCH_GATHER : undefined);
      const topics = [...handlers.keys()].map((t) => this.connection.physical(t));
      const commits = new OffsetCommits(
        (offsets) => consumer.commitOffsets(offsets),
        (message) => this.logger.warn(`${group}: ${message}`),
      );
      this.consumers.push({ consumer, topics, commits });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.connect();
      // A new group starts from the beginning: an event published before it first joined is not lost.
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
        // Offsets are resolved by hand as chunks are taken on (the fetch position), and committed
        // by `commits` once handled: kafkajs must never commit what it resolved.
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.eachBatch(batch?.max ?? DEFAULT_MAX_BATCH, (ds) => this.take(group, consumerGroup, ds), commits, payload),
      });
      await within(joined, JOIN_TIMEOUT_MS, `consumer group ${group} did not join within ${JOIN_TIMEOUT_MS} ms`);
    }
  }

  /**
   * A fetched batch of one partition, handed over in chunks of at most `max`. Each chunk moves the
   * fetch position on once it is taken on, so a partition's later events are fetched while earlier
   * ones are still handled; its offset is committed once it and every earlier chunk are handled.
   * After a rebalance or a restart, reading resumes from the last commit.
   */
  private async eachBatch(max: number, take: (deliveries: Delivery[]) => Promise<Taken>, commits: OffsetCommits, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const topic = this.connection.logical(batch.topic);
    for (let start = 0; start < batch.messages.length; start += max) {
      // Stopping, or the partition was taken away or sought: leave the rest unresolved for whoever reads it next.
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + max);
      const { handled } = await take(chunk.map((m) => this.delivery(topic, batch.partition, m, heartbeat)));
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      commits.after(batch.topic, batch.partition, (BigInt(last) + 1n).toString(), handled);
      await heartbeat();
    }
  }

  private delivery(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Delivery {
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      headers: headersToStrings(message.headers),
      value: message.value,
      // A delivery waiting out a transient failure must not let the group think this consumer died.
      keepAlive: heartbeat,
    };
  }

  protected publishWire(topic: string, message: WireMessage): Promise<void> {
    return this.connection.send(topic, message);
  }

  async close(): Promise<void> {
    this.markClosed();
    // Stop fetching, let what was taken on be handled (or given back, if it waits out a transient
    // failure) and its offsets committed, then leave the groups.
    for (const { consumer, topics } of this.consumers) consumer.pause(topics.map((topic) => ({ topic })));
    await this.settled();
    await Promise.all(this.consumers.map(({ commits }) => commits.flushed()));
    await Promise.all(this.consumers.map(({ consumer }) => consumer.disconnect()));
    this.consumers = [];
    await this.connection.close();
  }

  unwrap<T>(): T {
    return this.connection.kafka as T;
  }
}

function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
