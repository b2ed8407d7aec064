import { Module } from '@nestjs/common';
import { RecordEventHandler } from './ingest/record-event.handler';

/** The durable evidence: every event of every topic, stored once. Needs StoreModule. */
@Module({ controllers: [RecordEventHandler] })
export class AuditModule {}
