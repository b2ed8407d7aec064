import { Admin } from 'kafkajs';
import { LagSample } from '../bus-metrics';
import { KafkaConnection } from './kafka-connection';

const PROBE_TIMEOUT_MS = 2_000;
/** Health checks come often (every few seconds from each orchestrator probe); one broker round trip serves them all for this long. */
const PROBE_REUSE_MS = 1_000;
/** A scrape waits at most this long for lag; Prometheus' default scrape timeout is 10 s. */
const LAG_TIMEOUT_MS = 5_000;

/**
 * What operators ask the cluster about this process: is the broker reachable now, and how far behind
 * are its consumer groups. One admin client, separate from consumers and producer, so a probe never
 * waits behind their retries.
 */
export class KafkaHealth {
  private admin?: Promise<Admin>;
  private last?: { at: number; reachable: Promise<boolean> };

  constructor(private readonly connection: KafkaConnection) {}

  /** True when the cluster answered a metadata request within 2 s (answers at most once a second). */
  reachable(): Promise<boolean> {
    const now = Date.now();
    if (this.last && now - this.last.at < PROBE_REUSE_MS) return this.last.reachable;
    const reachable = this.withAdmin((admin) => admin.describeCluster(), PROBE_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    this.last = { at: now, reachable };
    return reachable;
  }

  /**
   * Each group's lag per partition: the partition's end offset minus the group's committed offset
   * (a group that committed nothing yet lags by the whole partition). Group ids follow the bus's
   * `<groupPrefix>.<consumer>`.
   */
  async lag(subscriptions: { group: string; topics: string[] }[]): Promise<LagSample[]> {
    return this.withAdmin(async (admin) => {
      const samples: LagSample[] = [];
      for (const { group, topics } of subscriptions) {
        const groupId = `${this.connection.options.groupPrefix}.${group}`;
        const physical = topics.map((t) => this.connection.physical(t));
        const committed = await admin.fetchOffsets({ groupId, topics: physical });
        for (const { topic, partitions } of committed) {
          const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o]));
          for (const { partition, offset } of partitions) {
            const end = BigInt(ends.get(partition)?.high ?? 0);
            // -1: nothing committed yet; everything still on the partition is behind.
            const from = BigInt(offset) < 0n ? BigInt(ends.get(partition)?.low ?? 0) : BigInt(offset);
            samples.push({ group, topic: this.connection.logical(topic), partition, lag: Number(end > from ? end - from : 0n) });
          }
        }
      }
      return samples;
    }, LAG_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }

  /** Runs `use` with a connected admin, bounded by `timeoutMs`; a failure drops the admin, so the next call reconnects. */
  private async withAdmin<T>(use: (admin: Admin) => Promise<T>, timeoutMs: number): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.connection.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.admin.then(use),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the Kafka cluster did not answer in time')), timeoutMs))),
      ]);
    } catch (err) {
      await this.close().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
