import { headersToStrings, Topic } from '@admit/contracts';
import { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KafkaConnection } from '../kafka/kafka-connection';
import { withAdmin } from '../kafka/topics';
import { RawApply, TopicFollower } from './topic-follower';

/**
 * Follows a compacted Kafka topic with a consumer group of its own (one member, so it is assigned
 * every partition), from the beginning, committing nothing: each start reads the topic again.
 */
export class KafkaFollower extends TopicFollower {
  private readonly consumers: Consumer[] = [];

  constructor(private readonly connection: KafkaConnection) {
    super();
  }

  protected async start(topic: Topic, deliver: RawApply): Promise<void> {
    const physical = this.connection.physical(topic);
    const ends = await this.endOffsets(physical);
    const consumer = this.connection.consumer(`follow.${randomUUID()}`);
    this.consumers.push(consumer);
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const reached = (partition: number, offset: bigint) => {
      const end = ends.get(partition);
      if (end !== undefined && offset >= end - 1n) ends.delete(partition);
      if (ends.size === 0) caughtUp();
    };
    if (ends.size === 0) caughtUp();
    // Compaction can remove a partition's last records only behind a later one, but a batch can end
    // on a removed offset: count the batch's end too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, BigInt(payload.lastOffset)));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [physical], fromBeginning: true });
    } catch (err) {
      this.consumers.splice(this.consumers.indexOf(consumer), 1);
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        deliver(message.key?.toString('utf8') ?? null, headersToStrings(message.headers), message.value);
        reached(partition, BigInt(message.offset));
      },
    });
    await done;
  }

  /** The offset after the last record of every non-empty partition, as the topic stands now. */
  private async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const offsets = await withAdmin(this.connection.kafka, (admin) => admin.fetchTopicOffsets(topic));
    return new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.consumers.splice(0).map((c) => c.disconnect()));
  }
}
