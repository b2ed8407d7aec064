import { catalog, EventContract, Topic } from '@admit/contracts';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';

/** How long new topics may take to show a leader for every partition. */
const LEADERS_TIMEOUT_MS = 30_000;

export interface TopicPlan {
  topic: string;
  numPartitions: number;
  /** The broker's default when left out. */
  replicationFactor?: number;
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

/** What `use` makes of a connected admin client of `kafka`, which is disconnected after, whatever happens. */
export async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the topics that do not exist yet; returns the ones it created. Existing topics are left alone. */
export async function ensureTopics(brokers: string[], plan: TopicPlan[]): Promise<string[]> {
  return withAdmin(new Kafka({ clientId: 'admit-topics', brokers, logLevel: logLevel.NOTHING }), (admin) => createMissingTopics(admin, plan));
}

/**
 * `ensureTopics` through a connected admin client: creates the topics of `plan` that do not exist
 * yet and returns once every partition of each has a leader, so a consumer or producer may use them
 * at once. Returns the topics it created.
 */
export async function createMissingTopics(admin: Admin, plan: TopicPlan[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = plan.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(admin, missing);
  }
  return missing.map((t) => t.topic);
}

/**
 * Waits until every partition of the new topics has a leader. kafkajs's own wait retries only
 * LEADER_NOT_AVAILABLE, but a KRaft broker under load may answer UNKNOWN_TOPIC_OR_PARTITION for a
 * moment after creating a topic, so both count as not yet.
 */
async function waitForLeaders(admin: Admin, plan: TopicPlan[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    const ready = await admin.fetchTopicMetadata({ topics: plan.map((t) => t.topic) }).then(
      ({ topics }) => topics.every((t) => t.partitions.length === plan.find((p) => p.topic === t.name)?.numPartitions && t.partitions.every((p) => p.leader >= 0)),
      (err: unknown) => {
        const type = (err as { type?: string }).type;
        if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE') return false;
        throw err;
      },
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics have no leader after ${LEADERS_TIMEOUT_MS} ms: ${plan.map((t) => t.topic).join(', ')}`);
    await delay(100);
  }
}
