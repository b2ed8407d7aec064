import { ensureTopics, topicPlan } from '@admit/bus';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export interface TestTopics {
  /** Topic and consumer-group prefix that isolates one suite on the shared broker. */
  prefix: string;
  drop(): Promise<void>;
}

/** Creates every catalog topic under a fresh prefix; `drop` deletes them again, with any other topic under the prefix (the audit checkpoint topic). */
export async function createTestTopics(label: string, partitions = 3): Promise<TestTopics> {
  const prefix = `test-${label}-${randomBytes(4).toString('hex')}.`;
  const plan = topicPlan(partitions, 1, prefix);
  await ensureTopics(KAFKA_BROKERS, plan);
  return {
    prefix,
    drop: async () => {
      const admin = new Kafka({ clientId: 'admit-tests', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const others = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && !plan.some((p) => p.topic === t));
        await admin.deleteTopics({ topics: [...plan.map((t) => t.topic), ...others] });
      } finally {
        await admin.disconnect();
      }
    },
  };
}
