export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
}

/** Commits the offsets of several partitions in one request. */
type Commit = (offsets: PartitionOffset[]) => Promise<void>;

/**
 * One consumer's offset commits. A per-event group takes on a partition's later batches while
 * earlier events are still being handled, so a batch's offset is committed only once its own
 * events and every earlier batch's of the partition are handled, and never past one that was not.
 * Requests coalesce: one is in flight at a time, and the next carries the latest offset waiting of
 * every partition, so a fetch that brought batches of six partitions costs one commit, not six.
 */
export class OffsetCommits {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, PartitionOffset>();
  private inFlight?: Promise<void>;

  constructor(
    private readonly commit: Commit,
    private readonly warn: (message: string) => void,
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
    await Promise.allSettled(this.chains.values());
    await this.inFlight;
  }

  private send(key: string, offset: PartitionOffset): void {
    this.waiting.set(key, offset);
    this.inFlight ??= (async () => {
      while (this.waiting.size > 0) {
        const offsets = [...this.waiting.values()];
        this.waiting.clear();
        // A commit refused now (a rebalance, the broker away) is covered by the next one; at worst
        // the events since the last commit are delivered again, and dropped as duplicates.
        await this.commit(offsets).catch((err: unknown) =>
          this.warn(`committing ${offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ')} failed: ${(err as Error).message}`),
        );
      }
      this.inFlight = undefined;
    })();
  }
}
