import { isCompacted, WireMessage } from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { Delivery } from '../delivery';

type Deliver = (delivery: Delivery) => Promise<void>;

interface Subscription {
  group: string;
  topics: Set<string>;
  deliver: Deliver;
  /** The tail of each partition's queue: deliveries of one partition run one after another. */
  tails: Map<string, Promise<void>>;
  closed: boolean;
}

/**
 * Kafka's delivery model in one process, for embedded mode: topics split into partitions by key,
 * every consumer group gets every message, one partition is handled in order, and a delivery that
 * fails is delivered again. Nothing survives the process; embedded mode trades that for needing
 * no broker.
 */
export class InProcessBroker {
  private readonly nextOffset = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];
  /** Compacted topics keep their latest message per key, like Kafka after compaction. */
  private readonly retained = new Map<string, Map<string, WireMessage>>();
  private readonly followers = new Map<string, Set<(message: WireMessage) => void>>();

  constructor(
    readonly partitions = 6,
    private readonly redeliveryDelayMs = 100,
  ) {}

  subscribe(group: string, topics: Iterable<string>, deliver: Deliver): () => Promise<void> {
    const sub: Subscription = { group, topics: new Set(topics), deliver, tails: new Map(), closed: false };
    this.subscriptions.push(sub);
    return async () => {
      if (!sub.closed) this.subscriptions.splice(this.subscriptions.indexOf(sub), 1);
      sub.closed = true;
      await Promise.all(sub.tails.values());
    };
  }

  /** Hands over the retained messages of a compacted topic, then every later one, until stopped. */
  follow(topic: string, onMessage: (message: WireMessage) => void): () => void {
    for (const message of this.retained.get(topic)?.values() ?? []) onMessage(message);
    const followers = this.followers.get(topic) ?? new Set();
    this.followers.set(topic, followers.add(onMessage));
    return () => followers.delete(onMessage);
  }

  /** Appends a message; like a Kafka ack, it returns once the message is queued for every group. */
  publish(topic: string, message: WireMessage): void {
    if (message.key !== null && isCompacted(topic)) {
      const retained = this.retained.get(topic) ?? new Map<string, WireMessage>();
      this.retained.set(topic, retained);
      if (message.value === null) retained.delete(message.key);
      else retained.set(message.key, message);
      for (const follower of this.followers.get(topic) ?? []) follower(message);
    }
    const partition = message.key === null ? 0 : hash(message.key) % this.partitions;
    const position = `${topic}/${partition}`;
    const offset = this.nextOffset.get(position) ?? 0;
    this.nextOffset.set(position, offset + 1);
    const delivery: Delivery = { topic, partition, offset: String(offset), ...message };
    for (const sub of this.subscriptions) {
      if (!sub.topics.has(topic)) continue;
      const tail = sub.tails.get(position) ?? Promise.resolve();
      sub.tails.set(position, tail.then(() => this.deliverUntilDone(sub, delivery)));
    }
  }

  private async deliverUntilDone(sub: Subscription, delivery: Delivery): Promise<void> {
    while (!sub.closed) {
      try {
        return await sub.deliver(delivery);
      } catch {
        // At-least-once: a delivery is never dropped, only tried again.
        await delay(this.redeliveryDelayMs);
      }
    }
  }
}

/** FNV-1a: cheap, stable, and spreads keys evenly enough for in-process partitions. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
