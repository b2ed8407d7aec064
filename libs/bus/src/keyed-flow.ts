import { Delivery } from './delivery';

/** What a transport gets back for deliveries it handed over: `handled` settles once each is handled or dead-lettered. */
export interface Taken {
  handled: Promise<void>;
}

/** The most events of one topic-partition a per-event group has taken on and not yet handled. */
export const MAX_IN_FLIGHT_PER_PARTITION = 1_000;

/**
 * The per-event deliveries of one topic-partition, across batches: each event starts once the
 * earlier events of its key are handled, and events of other keys never wait for it. A slow event
 * (a fetch from a slow host) so holds up only its own key, not the partition's later batches. The
 * flow takes on at most `limit` unhandled events; past that, `take` waits for room.
 *
 * An event whose key's earlier event was not handled is not handled either: it rejects with the
 * same reason, so a redelivery handles them in order.
 */
export class KeyedFlow {
  private readonly tails = new Map<string | null, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private waiting: (() => void)[] = [];

  constructor(private readonly limit = MAX_IN_FLIGHT_PER_PARTITION) {}

  /** Starts `handle` on each delivery in its key's turn; resolves once fewer than `limit` events are in flight. */
  async take(deliveries: Delivery[], handle: (delivery: Delivery) => Promise<void>): Promise<Taken> {
    const handled = deliveries.map((delivery) => this.chain(delivery, handle));
    while (this.pending.size >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return { handled: Promise.all(handled).then(() => undefined) };
  }

  /** Resolves once every event taken on so far has settled, handled or not. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private chain(delivery: Delivery, handle: (delivery: Delivery) => Promise<void>): Promise<void> {
    const { key } = delivery;
    const mine = (this.tails.get(key) ?? Promise.resolve()).then(() => handle(delivery));
    this.tails.set(key, mine);
    this.pending.add(mine);
    const done = () => {
      this.pending.delete(mine);
      if (this.tails.get(key) === mine) this.tails.delete(key);
      const waiting = this.waiting;
      this.waiting = [];
      for (const wake of waiting) wake();
    };
    mine.then(done, done);
    return mine;
  }
}
