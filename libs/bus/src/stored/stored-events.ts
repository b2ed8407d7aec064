import { RecentIds } from '../recent-ids';

/** How long a waiter waits for an event the store never reports; its caller has long given up by then. */
const GIVE_UP_MS = 120_000;

/**
 * Which events the audit store has committed, for a service that must not answer before its
 * evidence is stored. With Kafka an event a consumer reads is already durable (acks=all) and the
 * audit consumer stores it from there, so `stored` resolves at once. In one process (embedded mode)
 * the bus itself keeps nothing: an answer waits until the audit store reports the event committed.
 */
export abstract class StoredEvents {
  /** Resolves once the event `id` is durable; rejects if that is not known within a bound. */
  abstract stored(id: string): Promise<void>;
  /** Called by the audit store after each commit, with the ids it committed. */
  abstract committed(ids: Iterable<string>): void;
}

/** Kafka: what was read is durable. */
export class BrokerStoredEvents extends StoredEvents {
  stored(_id: string): Promise<void> {
    return Promise.resolve();
  }

  committed(): void {
    // Nothing waits on the audit store.
  }
}

/** In one process: waits for the audit store's commit, which may also come first. */
export class InProcessStoredEvents extends StoredEvents {
  private readonly recent = new RecentIds(10_000);
  private readonly waiting = new Map<string, (() => void)[]>();

  stored(id: string): Promise<void> {
    if (this.recent.has(id)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.set(id, (this.waiting.get(id) ?? []).filter((w) => w !== done));
        if (this.waiting.get(id)?.length === 0) this.waiting.delete(id);
        reject(new Error(`event ${id} was not stored within ${GIVE_UP_MS} ms`));
      }, GIVE_UP_MS).unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), done]);
    });
  }

  committed(ids: Iterable<string>): void {
    for (const id of ids) {
      this.recent.add(id);
      const waiters = this.waiting.get(id);
      if (!waiters) continue;
      this.waiting.delete(id);
      for (const done of waiters) done();
    }
  }
}
