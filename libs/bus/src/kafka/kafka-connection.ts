import { Logger } from '@nestjs/common';
import { WireMessage } from '@admit/contracts';
import { Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  /** Consumer groups are named `<groupPrefix>.<service>`. */
  groupPrefix: string;
  /** Prepended to every topic name, so several Admit environments can share one cluster. */
  topicPrefix?: string;
}

/** One kafkajs client and one idempotent producer per process, shared by the bus server and client. */
export class KafkaConnection {
  readonly kafka: Kafka;
  private producer?: Promise<Producer>;
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

  /** Sends with acks=all through an idempotent producer: no loss, no duplicates from retries. */
  async send(topic: string, message: WireMessage): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.send({ topic: this.physical(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers: message.headers }] });
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
