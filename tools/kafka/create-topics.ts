/** `npm run kafka:topics`: creates every catalog topic that does not exist yet. */
import { ensureTopics, topicPlan } from '@admit/bus';
import { kafkaConfig, loadConfig, runMain, splitList, topicsConfig } from '@admit/platform';
import { Type } from '@sinclair/typebox';

const TopicsConfig = Type.Object({
  ...topicsConfig,
  KAFKA_BROKERS: Type.String({ ...kafkaConfig.KAFKA_BROKERS, default: '127.0.0.1:9092' }),
  ADMIT_KAFKA_TOPIC_PREFIX: kafkaConfig.ADMIT_KAFKA_TOPIC_PREFIX,
});

runMain(async () => {
  const config = loadConfig(TopicsConfig);
  const plan = topicPlan(config.ADMIT_TOPIC_PARTITIONS, config.ADMIT_TOPIC_REPLICATION, config.ADMIT_KAFKA_TOPIC_PREFIX);
  const created = new Set(await ensureTopics(splitList(config.KAFKA_BROKERS), plan));
  for (const { topic, numPartitions, configEntries } of plan) {
    const policy = configEntries.find((e) => e.name === 'cleanup.policy')?.value;
    console.log(`${created.has(topic) ? 'created' : 'exists '} ${topic} (${numPartitions} partitions, cleanup.policy=${policy})`);
  }
});
