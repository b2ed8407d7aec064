import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BusContext, consumer, TransientError } from '@admit/bus';
import { ALL_TOPICS, CloudEvent } from '@admit/contracts';
import { AuditEventEntity, isTransientDatabaseError } from '@admit/store';
import { DataSource } from 'typeorm';

/** Stores every event on every topic exactly once: the event id is unique, a redelivery is a no-op. */
@Controller()
export class RecordEventHandler {
  constructor(private readonly db: DataSource) {}

  @EventPattern(ALL_TOPICS, consumer('audit'))
  async record(@Payload() event: CloudEvent, @Ctx() ctx: BusContext): Promise<void> {
    try {
      await this.insert(event, ctx);
    } catch (err) {
      // While the database is away the partition waits for it: no event is dead-lettered or skipped.
      if (isTransientDatabaseError(err)) throw new TransientError('the audit database is unavailable', { cause: err });
      throw err;
    }
  }

  private async insert(event: CloudEvent, ctx: BusContext): Promise<void> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(AuditEventEntity)
      .values({
        eventId: event.id,
        type: event.type,
        source: event.source,
        subject: event.subject ?? null,
        correlationId: event.correlationid,
        causationId: event.causationid ?? null,
        eventTime: new Date(event.time),
        topic: ctx.getTopic(),
        partition: ctx.getPartition(),
        offset: ctx.getOffset(),
        data: event.data,
      })
      .orIgnore()
      .execute();
  }
}
