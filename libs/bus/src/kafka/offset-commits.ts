export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
}

/** Commits the offsets of several partitions in one request. */
type Commit = (offsets: PartitionOffset[]) => Promise<void>;

/**
 * The least time between two commit requests of one consumer. Under load a fetch brings a message or
 * two per partition, and a commit per fetch was a third of every hop's requests to the broker; what
 * waits meanwhile goes in one request. A consumer that crashes before its next commit has those
 * events delivered again, and they are dropped as duplicates.
 */
export const COMMIT_INTERVAL_MS = 100;

/**
 * One consumer's offset commits. A per-event group takes on a partition's later batches while
 * earlier events are still being handled, so a batch's offset is committed only once its own
 * events and every earlier batch's of the partition are handled, and never past one that was not.
 * Requests coalesce: one is in flight at a time, at most one starts per `intervalMs`, and the next
 * carries the latest offset waiting of every partition, so fetches that brought batches of six
 * partitions cost one commit, not one each. Closing (`flushed`) sends what waits at once.
 */
export class OffsetCommits {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, PartitionOffset>();
  private inFlight?: Promise<void>;
  private lastSentAt = -Infinity;
  /** Ends the wait for the interval, when one is on. */
  private hurry?: () => void;
  private flushing = 0;

  constructor(
    private readonly commit: Commit,
    private readonly warn: (message: string) => void,
    private readonly intervalMs = COMMIT_INTERVAL_MS,
  ) {}

  /** Commits `offset` (the next one to read) once `handled` and every earlier `handled` of the partition resolved. */
  after(topic: string, partition: number, offset: string, handled: Promise<void>): void {
    const key = `${topic}/${partition}`;
    const chain = (this.chains.get(key) ?? Promise.resolve()).then(() => handled).then(() => this.send(key, { topic, partition, offset }));
    this.chains.set(key, chain);
    // A rejected `handled` (closing with an event unhandled) ends the chain: nothing after it is committed.
    chain.catch(() => undefined);
  }

  /** Resolves once every offset that may be committed was sent (for closing). */
  async flushed(): Promise<void> {
    this.flushing++;
    try {
      await Promise.allSettled(this.chains.values());
      this.hurry?.();
      await this.inFlight;
    } finally {
      this.flushing--;
    }
  }

  private send(key: string, offset: PartitionOffset): void {
    this.waiting.set(key, offset);
    this.inFlight ??= (async () => {
      while (this.waiting.size > 0) {
        const wait = this.lastSentAt + this.intervalMs - Date.now();
        if (wait > 0 && this.flushing === 0) await this.pause(wait);
        const offsets = [...this.waiting.values()];
        this.waiting.clear();
        this.lastSentAt = Date.now();
        // A commit refused now (a rebalance, the broker away) is covered by the next one; at worst
        // the events since the last commit are delivered again, and dropped as duplicates.
        await this.commit(offsets).catch((err: unknown) =>
          this.warn(`committing ${offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ')} failed: ${(err as Error).message}`),
        );
      }
      this.inFlight = undefined;
    })();
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.hurry = undefined));
  }
}
