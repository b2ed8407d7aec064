import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { AUDIT_OPTIONS, AuditOptions, DEFAULT_AUDIT_OPTIONS } from './audit-options';
import { ChainWriter } from './chain/chain-writer';
import { Checkpointer } from './checkpoint/checkpointer';
import { RecordEventsHandler } from './ingest/record-events.handler';
import { AuditController } from './query/audit.controller';

/**
 * The durable evidence: every event of every topic, stored once and hash-chained, checkpointed
 * with Admit's key, and the auditor's API. Needs StoreModule and AdminAuthModule; KeysModule for
 * checkpoints (without it, none are made). Import `AuditModule` for the defaults, or `forRoot()`.
 */
@Module({
  controllers: [RecordEventsHandler, AuditController],
  providers: [ChainWriter, Checkpointer, publisherFor('audit')],
  exports: [Checkpointer],
})
export class AuditModule {
  static forRoot(options: Partial<AuditOptions> = {}): DynamicModule {
    return { module: AuditModule, providers: [{ provide: AUDIT_OPTIONS, useValue: { ...DEFAULT_AUDIT_OPTIONS, ...options } }] };
  }
}
