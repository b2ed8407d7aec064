import { WireMessage } from '@admit/contracts';
import { BusServer, ConsumerGroup } from '../bus-server';
import { Delivery } from '../delivery';
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

  /**
   * Both kinds of group take what is queued for a partition at once, as Kafka fetches a batch. The
   * broker goes on to a partition's next batch once this one is taken on; per-event events are
   * handled in their keys' turns meanwhile. Nothing is committed in one process, and `handled`
   * rejects only when closing, which an in-process event does not outlive anyway.
   */
  protected async subscribe(groups: Map<string, ConsumerGroup>): Promise<void> {
    for (const [group, consumerGroup] of groups) {
      const max = consumerGroup.batch?.max ?? DEFAULT_MAX_BATCH;
      const deliver = async (deliveries: Delivery[]) => void (await this.take(group, consumerGroup, deliveries)).handled.catch(() => undefined);
      this.unsubscribes.push(this.broker.subscribeBatch(group, consumerGroup.handlers.keys(), deliver, max));
    }
  }

  protected async publishWire(topic: string, message: WireMessage): Promise<void> {
    this.broker.publish(topic, message);
  }

  async close(): Promise<void> {
    this.markClosed();
    await Promise.all(this.unsubscribes.map((unsubscribe) => unsubscribe()));
    this.unsubscribes = [];
    await this.settled();
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
