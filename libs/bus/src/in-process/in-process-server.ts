import { WireMessage } from '@admit/contracts';
import { BusServer, ConsumerGroup } from '../bus-server';
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

  protected async subscribe(groups: Map<string, ConsumerGroup>): Promise<void> {
    for (const [group, { handlers, batch }] of groups) {
      this.unsubscribes.push(
        batch
          ? this.broker.subscribeBatch(group, handlers.keys(), (ds) => this.deliverBatch(group, handlers.get(ds[0].topic) ?? [], ds), batch.max)
          : this.broker.subscribe(group, handlers.keys(), (d) => this.deliver(group, handlers.get(d.topic) ?? [], d)),
      );
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
