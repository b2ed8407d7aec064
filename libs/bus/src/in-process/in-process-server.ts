import { WireMessage } from '@admit/contracts';
import { BusServer, ConsumerGroup } from '../bus-server';
import { DEFAULT_MAX_BATCH } from '../publisher';
import { RetryPolicy } from '../retry-policy';
import { InProcessBroker } from './in-process-broker';

export class InProcessBusServer extends BusServer {
  private unsubscribes: (() => Promise<void>)[] = [];

  constructor(
    private readonly broker: InProcessBroker,
    retry: RetryPolicy,
  ) {
    super(retry);
  }

  /** Both kinds of group take what is queued for a partition at once, as Kafka fetches a batch. */
  protected async subscribe(groups: Map<string, ConsumerGroup>): Promise<void> {
    for (const [group, consumerGroup] of groups) {
      const max = consumerGroup.batch?.max ?? DEFAULT_MAX_BATCH;
      this.unsubscribes.push(this.broker.subscribeBatch(group, consumerGroup.handlers.keys(), (ds) => this.deliverAll(group, consumerGroup, ds), max));
    }
  }

  protected async publishWire(topic: string, message: WireMessage): Promise<void> {
    this.broker.publish(topic, message);
  }

  async close(): Promise<void> {
    this.markClosed();
    await Promise.all(this.unsubscribes.map((unsubscribe) => unsubscribe()));
    this.unsubscribes = [];
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
