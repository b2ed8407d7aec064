import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { ownMigrations } from '@admit/store';
import { AUDIT_OPTIONS, AuditOptions, DEFAULT_AUDIT_OPTIONS } from './audit-options';
import { ChainWriter } from './chain/chain-writer';
import { CheckpointJwksController } from './checkpoint/checkpoint-jwks.controller';
import { checkpointKeysProvider } from './checkpoint/checkpoint-keys';
import { Checkpointer } from './checkpoint/checkpointer';
import { PartitionKeeper } from './ingest/partition-keeper';
import { RecordEventsHandler } from './ingest/record-events.handler';
import { AUDIT_MIGRATIONS } from './migrations';
import { AuditController } from './query/audit.controller';
import { ReportDaysKeeper } from './report/report-days-keeper';
import { ConsoleController } from './console/console.controller';

/**
 * The durable evidence: every event of every topic, stored once and hash-chained, checkpointed
 * with the audit service's own key (`checkpointKey`; without it, none are made) into the database
 * and an external copy (`checkpointSink`), and the auditor's API; migrates its tables. Needs StoreModule and
 * AdminAuthModule. Import `AuditModule` for the defaults (no checkpoints), or `forRoot()`.
 */
@Module({
  controllers: [RecordEventsHandler, AuditController, CheckpointJwksController, ConsoleController],
  providers: [ownMigrations('audit', AUDIT_MIGRATIONS), ChainWriter, Checkpointer, PartitionKeeper, ReportDaysKeeper, publisherFor('audit')],
  exports: [Checkpointer],
})
export class AuditModule {
  static forRoot(options: Partial<AuditOptions> = {}): DynamicModule {
    const all = { ...DEFAULT_AUDIT_OPTIONS, ...options };
    return { module: AuditModule, providers: [{ provide: AUDIT_OPTIONS, useValue: all }, checkpointKeysProvider(all.checkpointKey)] };
  }
}
