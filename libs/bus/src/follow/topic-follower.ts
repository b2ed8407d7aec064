import { Logger } from '@nestjs/common';
import { CloudEvent, decodeEvent, isCompacted, Topic } from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';

/** A change to a compacted topic: the latest event under a key, or null when the key was deleted (a tombstone). */
export type Apply<T extends Topic> = (key: string, event: CloudEvent<T> | null) => void;

/**
 * Reads a compacted topic whole, in every instance, as a table: not shared out across a consumer
 * group like handlers are. Revocations and the active policy set are read this way, so each
 * instance holds all of them.
 */
export abstract class TopicFollower {
  protected readonly logger = new Logger('TopicFollower');
  private readonly behind = new Set<string>();

  /**
   * Applies every event on `topic` from its beginning, then every later change. Resolves once
   * everything that was on the topic when it was called has been applied; until then
   * `pending()` names the topic.
   */
  async follow<T extends Topic>(topic: T, apply: Apply<T>): Promise<void> {
    if (!isCompacted(topic)) throw new Error(`${topic} is not compacted; only compacted topics can be followed`);
    this.behind.add(topic);
    // A broker that is away at start is waited for: the instance stays not-ready, and says why.
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.start(topic, (key, headers, value) => this.apply(topic, apply, key, headers, value));
        this.behind.delete(topic);
        return;
      } catch (err) {
        this.logger.warn(`${topic}: cannot read the topic yet (attempt ${attempt}): ${String(err)}`);
        await delay(Math.min(250 * 2 ** attempt, 5_000));
      }
    }
  }

  /** The followed topics not yet read to their end. */
  pending(): string[] {
    return [...this.behind];
  }

  protected closed = false;

  abstract close(): Promise<void>;

  /** Starts reading `topic` from the beginning; resolves once caught up with its end. */
  protected abstract start(topic: Topic, deliver: RawApply): Promise<void>;

  private apply<T extends Topic>(topic: T, apply: Apply<T>, key: string | null, headers: Record<string, string>, value: Buffer | null): void {
    if (key === null) return this.logger.error(`${topic}: skipped a message without a key`);
    if (value === null) return apply(key, null);
    const decoded = decodeEvent(topic, headers, value);
    // Every instance reads the whole topic, so a bad record is logged here, not dead-lettered N times.
    if (!decoded.ok) return this.logger.error(`${topic}: skipped the record under ${JSON.stringify(key.slice(0, 256))}: ${decoded.code}: ${decoded.message}`);
    apply(key, decoded.event as CloudEvent<T>);
  }
}

export type RawApply = (key: string | null, headers: Record<string, string>, value: Buffer | null) => void;
