import { CloudEvent, isCompacted, WireMessage } from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { Delivery } from '../delivery';

type Deliver = (delivery: Delivery) => Promise<void>;
type DeliverBatch = (deliveries: Delivery[]) => Promise<void>;

interface Subscription {
  group: string;
  topics: Set<string>;
  deliver: DeliverBatch;
  /** At most this many queued messages of one partition are handed over at once (1: one by one). */
  maxBatch: number;
  /** Each partition's messages not yet delivered, oldest first. */
  queues: Map<string, Delivery[]>;
  /** The running drain of each partition's queue: one partition is delivered in order, one batch at a time. */
  drains: Map<string, Promise<void>>;
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
    return this.subscribeBatch(group, topics, ([delivery]) => deliver(delivery), 1);
  }

  /**
   * Like `subscribe`, but hands over what is queued for one partition, in offset order, at most
   * `maxBatch` at a time; a batch that fails is delivered again whole.
   */
  subscribeBatch(group: string, topics: Iterable<string>, deliver: DeliverBatch, maxBatch: number): () => Promise<void> {
    const sub: Subscription = { group, topics: new Set(topics), deliver, maxBatch, queues: new Map(), drains: new Map(), closed: false };
    this.subscriptions.push(sub);
    return async () => {
      if (!sub.closed) this.subscriptions.splice(this.subscriptions.indexOf(sub), 1);
      sub.closed = true;
      await Promise.all(sub.drains.values());
    };
  }

  /** Hands over the retained messages of a compacted topic, then every later one, until stopped. */
  follow(topic: string, onMessage: (message: WireMessage) => void): () => void {
    for (const message of this.retained.get(topic)?.values() ?? []) onMessage(message);
    const followers = this.followers.get(topic) ?? new Set();
    this.followers.set(topic, followers.add(onMessage));
    return () => followers.delete(onMessage);
  }

  /**
   * Appends a message; like a Kafka ack, it returns once the message is queued for every group.
   * `event`, the CloudEvent the message encodes, is handed to consumers as it is, so none decodes it.
   */
  publish(topic: string, message: WireMessage, event?: CloudEvent): void {
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
    const delivery: Delivery = { topic, partition, offset: String(offset), ...message, ...(event ? { event } : {}) };
    for (const sub of this.subscriptions) {
      if (!sub.topics.has(topic)) continue;
      const queue = sub.queues.get(position) ?? [];
      sub.queues.set(position, queue);
      queue.push(delivery);
      // Started on a later tick, so messages published together are delivered as one batch.
      if (!sub.drains.has(position)) sub.drains.set(position, Promise.resolve().then(() => this.drain(sub, position, queue)));
    }
  }

  private async drain(sub: Subscription, position: string, queue: Delivery[]): Promise<void> {
    try {
      while (queue.length > 0 && !sub.closed) {
        const batch = queue.slice(0, sub.maxBatch);
        if (await this.deliverUntilDone(sub, batch)) queue.splice(0, batch.length);
      }
    } finally {
      sub.drains.delete(position);
    }
  }

  /** True once `batch` was delivered; false if the subscription closed first. */
  private async deliverUntilDone(sub: Subscription, batch: Delivery[]): Promise<boolean> {
    while (!sub.closed) {
      try {
        await sub.deliver(batch);
        return true;
      } catch {
        // At-least-once: a delivery is never dropped, only tried again.
        await delay(this.redeliveryDelayMs);
      }
    }
    return false;
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
