import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusBatchContext, consumer, recordChildSpan, spanSink, TransientError } from '@admit/bus';
import { ALL_TOPICS, CloudEvent } from '@admit/contracts';
import { isTransientDatabaseError } from '@admit/store';
import { ChainWriter } from '../chain/chain-writer';

/**
 * Stores every event on every topic exactly once, in batches: one transaction per batch of one
 * partition, and the bus commits the batch's offsets only after it returned. A redelivered event is
 * skipped by its id and never extends the chain.
 */
@Controller()
export class RecordEventsHandler {
  constructor(@Inject(ChainWriter) private readonly writer: ChainWriter) {}

  @EventPattern(ALL_TOPICS, consumer('audit', { batch: true }))
  async record(@Payload() events: CloudEvent[], @Ctx() ctx: BusBatchContext): Promise<void> {
    const offsets = ctx.getOffsets();
    const startMs = spanSink() ? Date.now() : 0;
    try {
      await this.writer.append(
        ctx.getTopic(),
        ctx.getPartition(),
        events.map((event, i) => ({ event, offset: offsets[i] })),
      );
      // One write for the batch, shown in the trace of each event it stored.
      for (const event of events) recordChildSpan('audit append', startMs, { 'messaging.destination.name': ctx.getTopic(), 'admit.batch_size': events.length }, event.traceparent);
    } catch (err) {
      // While the database is away the partition waits for it: no event is dead-lettered or skipped.
      if (isTransientDatabaseError(err)) throw new TransientError('the audit database is unavailable', { cause: err });
      throw err;
    }
  }
}
