import { createMissingTopics, FETCH_MAX_WAIT_MS, withAdmin } from '@admit/bus';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { CheckpointSink, ExternalCheckpoint, parseExternal, unreadable } from './external-checkpoints';

/** The topic each checkpoint is also published on: one partition (one order), kept forever. */
export const CHECKPOINT_TOPIC = 'admit.audit.checkpoints.v1';

export interface KafkaCheckpointOptions {
  brokers: string[];
  /** ADMIT_KAFKA_TOPIC_PREFIX, as for every other topic. */
  topicPrefix?: string;
}

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'admit-audit-checkpoints', brokers, logLevel: logLevel.NOTHING });
}

/** Creates the checkpoint topic unless it exists: one partition, never deleted by retention or compaction. */
async function ensureTopic(kafka: Kafka, topic: string): Promise<void> {
  await withAdmin(kafka, (admin) =>
    createMissingTopics(admin, [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '-1' }] }]),
  );
}

/** Publishes each checkpoint (key: its number) and waits for every in-sync replica to have it. */
export function kafkaCheckpointSink(options: KafkaCheckpointOptions): CheckpointSink {
  const topic = `${options.topicPrefix ?? ''}${CHECKPOINT_TOPIC}`;
  const kafka = client(options.brokers);
  let producer: Promise<Producer> | undefined;
  const connected = () =>
    (producer ??= (async () => {
      await ensureTopic(kafka, topic);
      // Idempotent, so a retried send does not write a checkpoint twice.
      const p = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      producer = undefined;
      throw err;
    }));
  return {
    name: `Kafka topic ${topic}`,
    async append(checkpoint) {
      await (await connected()).send({ topic, acks: -1, messages: [{ key: checkpoint.seq, value: JSON.stringify(checkpoint) }] });
    },
    async lastSeq() {
      const last = await readLastRecord(kafka, topic);
      return last && parseExternal(last, `${topic} (last record)`).seq;
    },
    async close() {
      const p = producer;
      producer = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect();
    },
  };
}

/** The value of the topic's last record, read by seeking to it; undefined when the topic is missing or empty. */
async function readLastRecord(kafka: Kafka, topic: string): Promise<string | undefined> {
  const last = await withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    const [offsets] = await admin.fetchTopicOffsets(topic);
    return BigInt(offsets.high) === BigInt(offsets.low) ? undefined : BigInt(offsets.high) - 1n;
  });
  if (last === undefined) return undefined;
  const consumer = kafka.consumer({ groupId: `admit-audit-checkpoints.${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    return await new Promise<string>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            if (BigInt(message.offset) >= last) resolve(message.value?.toString('utf8') ?? '');
          },
        })
        .then(() => consumer.seek({ topic, partition: 0, offset: last.toString() }))
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Every checkpoint on the topic, in order, read from the beginning to the end it has now. */
export async function readCheckpointTopic(options: KafkaCheckpointOptions & { topic?: string }): Promise<ExternalCheckpoint[]> {
  const topic = options.topic ?? `${options.topicPrefix ?? ''}${CHECKPOINT_TOPIC}`;
  const kafka = client(options.brokers);
  const end = await withAdmin(kafka, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) throw unreadable(`Kafka topic ${topic} does not exist`);
    const offsets = await admin.fetchTopicOffsets(topic);
    if (offsets.length !== 1) throw unreadable(`Kafka topic ${topic} has ${offsets.length} partitions; a checkpoint topic has one`);
    return BigInt(offsets[0].high) === BigInt(offsets[0].low) ? undefined : BigInt(offsets[0].high);
  });
  if (end === undefined) return [];
  const out: ExternalCheckpoint[] = [];
  const consumer = kafka.consumer({ groupId: `admit-verify.${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            try {
              if (message.value) out.push(parseExternal(message.value.toString('utf8'), `${topic} offset ${message.offset}`));
            } catch (err) {
              reject(err);
            }
            if (BigInt(message.offset) >= end - 1n) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
