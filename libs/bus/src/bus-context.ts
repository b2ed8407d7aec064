import { BaseRpcContext } from '@nestjs/microservices';

/** Where a delivery sits (its topic-partition, and its offset or offsets) and which attempt this is. */
abstract class DeliveryContext<Offset> extends BaseRpcContext<[topic: string, partition: number, offset: Offset, attempt: number]> {
  getTopic(): string {
    return this.args[0];
  }
  getPartition(): number {
    return this.args[1];
  }
  getAttempt(): number {
    return this.args[3];
  }
}

/** What a handler may know about the delivery: where the event sits, and which attempt this is. */
export class BusContext extends DeliveryContext<string> {
  getOffset(): string {
    return this.args[2];
  }
}

/**
 * What a batch handler may know about its delivery: the one topic-partition its events come from,
 * each event's offset (in the order of the events), and which attempt this is.
 */
export class BusBatchContext extends DeliveryContext<string[]> {
  /** The offset of each event handed over, index for index. */
  getOffsets(): string[] {
    return this.args[2];
  }
}
