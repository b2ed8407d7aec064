import { BaseRpcContext } from '@nestjs/microservices';

type BusContextArgs = [topic: string, partition: number, offset: string, attempt: number];

/** What a handler may know about the delivery: where the event sits, and which attempt this is. */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  getTopic(): string {
    return this.args[0];
  }
  getPartition(): number {
    return this.args[1];
  }
  getOffset(): string {
    return this.args[2];
  }
  getAttempt(): number {
    return this.args[3];
  }
}
