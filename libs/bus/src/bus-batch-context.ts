import { BaseRpcContext } from '@nestjs/microservices';

type BusBatchContextArgs = [topic: string, partition: number, offsets: string[], attempt: number];

/**
 * What a batch handler may know about its delivery: the one topic-partition its events come from,
 * each event's offset (in the order of the events), and which attempt this is.
 */
export class BusBatchContext extends BaseRpcContext<BusBatchContextArgs> {
  getTopic(): string {
    return this.args[0];
  }
  getPartition(): number {
    return this.args[1];
  }
  /** The offset of each event handed over, index for index. */
  getOffsets(): string[] {
    return this.args[2];
  }
  getAttempt(): number {
    return this.args[3];
  }
}
