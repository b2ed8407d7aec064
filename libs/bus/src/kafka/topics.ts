import { catalog, EventContract, Topic } from '@admit/contracts';
import { Kafka, logLevel } from 'kafkajs';

export interface TopicPlan {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
}

/** Every topic in the catalog, with its partition count and cleanup policy. */
export function topicPlan(partitions: number, replicationFactor: number, topicPrefix = ''): TopicPlan[] {
  return (Object.entries(catalog) as [Topic, EventContract][]).map(([topic, contract]) => ({
    topic: `${topicPrefix}${topic}`,
    numPartitions: partitions,
    replicationFactor,
    configEntries: [{ name: 'cleanup.policy', value: contract.compacted ? 'compact' : 'delete' }],
  }));
}

/** Creates the topics that do not exist yet; returns the ones it created. Existing topics are left alone. */
export async function ensureTopics(brokers: string[], plan: TopicPlan[]): Promise<string[]> {
  const admin = new Kafka({ clientId: 'admit-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = plan.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
