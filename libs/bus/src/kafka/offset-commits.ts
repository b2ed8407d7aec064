type Commit = (topic: string, partition: number, offset: string) => Promise<void>;

interface Sending {
  /** The offset to send once the request in flight returns, if a later one came meanwhile. */
  next: string | null;
  done: Promise<void>;
}

/**
 * One consumer's offset commits. A per-event group takes on a partition's later batches while
 * earlier events are still being handled, so a batch's offset is committed only once its own
 * events and every earlier batch's of the partition are handled, and never past one that was not.
 * Requests coalesce: while one is in flight, only the latest offset waiting is sent after it.
 */
export class OffsetCommits {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly sending = new Map<string, Sending>();

  constructor(
    private readonly commit: Commit,
    private readonly warn: (message: string) => void,
  ) {}

  /** Commits `offset` (the next one to read) once `handled` and every earlier `handled` of the partition resolved. */
  after(topic: string, partition: number, offset: string, handled: Promise<void>): void {
    const key = `${topic}/${partition}`;
    const chain = (this.chains.get(key) ?? Promise.resolve()).then(() => handled).then(() => this.send(key, topic, partition, offset));
    this.chains.set(key, chain);
    // A rejected `handled` (closing with an event unhandled) ends the chain: nothing after it is committed.
    chain.catch(() => undefined);
  }

  /** Resolves once every offset that may be committed was sent (for closing). */
  async flushed(): Promise<void> {
    await Promise.allSettled(this.chains.values());
    await Promise.all([...this.sending.values()].map((s) => s.done));
  }

  private send(key: string, topic: string, partition: number, offset: string): void {
    const inFlight = this.sending.get(key);
    if (inFlight) {
      inFlight.next = offset;
      return;
    }
    const sending: Sending = { next: offset, done: Promise.resolve() };
    this.sending.set(key, sending);
    sending.done = (async () => {
      for (let next = sending.next; next !== null; next = sending.next) {
        sending.next = null;
        // A commit refused now (a rebalance, the broker away) is covered by the next one; at worst
        // the events since the last commit are delivered again, and dropped as duplicates.
        await this.commit(topic, partition, next).catch((err: unknown) => this.warn(`committing ${topic}/${partition}@${next} failed: ${(err as Error).message}`));
      }
      this.sending.delete(key);
    })();
  }
}
