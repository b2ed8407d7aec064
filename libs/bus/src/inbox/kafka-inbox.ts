import { Logger } from '@nestjs/common';
import { CloudEvent, decodeEvent, encodeEvent, headersToStrings } from '@admit/contracts';
import { Consumer, Producer } from 'kafkajs';
import { KafkaConnection } from '../kafka/kafka-connection';
import { createMissingTopics, withAdmin } from '../kafka/topics';
import { Inbox } from './inbox';

/** An inbox message is only worth its caller's patience: minutes, not the topic defaults. */
const RETENTION_MS = 10 * 60_000;

/**
 * An inbox is a one-partition topic `admit.inbox.<id>` that only its instance reads: no consumer
 * group is shared, so nothing rebalances it away. It is created at open and deleted at close; a
 * crashed instance's topic lapses by retention (set ADMIT_INSTANCE_ID to a stable name, such as the
 * pod name, to reuse it). Sends use a producer of their own, so a send to an instance that is gone
 * cannot hold up the bus's own produce requests.
 */
export class KafkaInbox extends Inbox {
  private readonly logger = new Logger('Inbox');
  private consumer?: Consumer;
  private producer?: Producer;

  constructor(
    private readonly connection: KafkaConnection,
    readonly id: string,
  ) {
    super();
  }

  private topic(id: string): string {
    return this.connection.physical(`admit.inbox.${id}`);
  }

  async open(receive: (event: CloudEvent) => void): Promise<void> {
    await withAdmin(this.connection.kafka, (admin) =>
      createMissingTopics(admin, [{ topic: this.topic(this.id), numPartitions: 1, configEntries: [{ name: 'retention.ms', value: String(RETENTION_MS) }] }]),
    );
    const consumer = this.connection.consumer(`inbox.${this.id}`);
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic(this.id)], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = headersToStrings(message.headers);
        const decoded = decodeEvent(headers.ce_type ?? '', headers, message.value);
        if (decoded.ok) receive(decoded.event);
        else this.logger.error(`inbox ${this.id}: skipped a message: ${decoded.code}: ${decoded.message}`);
      },
    });
    await joined;
  }

  async send(to: string, event: CloudEvent): Promise<void> {
    this.producer ??= await this.connectProducer();
    const { key, headers, value } = encodeEvent(event);
    await this.producer.send({ topic: this.topic(to), acks: -1, messages: [{ key, headers, value }] });
  }

  async close(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.consumer = this.producer = undefined;
    await withAdmin(this.connection.kafka, (admin) => admin.deleteTopics({ topics: [this.topic(this.id)] })).catch((err: unknown) =>
      this.logger.warn(`inbox ${this.id}: could not delete its topic: ${String(err)}`),
    );
  }

  private async connectProducer(): Promise<Producer> {
    // A missing inbox (its instance stopped) fails fast instead of being created or waited for.
    const producer = this.connection.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2 } });
    await producer.connect();
    return producer;
  }
}
