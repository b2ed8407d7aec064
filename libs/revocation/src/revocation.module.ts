import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { ownMigrations } from '@admit/store';
import { RevocationsController } from './api/revocations.controller';
import { REVOCATION_MIGRATIONS } from './migrations';
import { OutboxPublisher } from './publish/outbox-publisher';
import { RevocationLifecycle } from './publish/revocation-lifecycle';
import { REVOCATION_OPTIONS, RevocationOptions, withDefaults } from './revocation-options';
import { RevocationStore } from './store/revocation-store';

/**
 * Revocations by client id, software id, anchor, key thumbprint or origin: the admin API, the
 * durable record in PostgreSQL (its tables, which it migrates) and the compacted `admit.revocations.v1` rebuilt from it. Needs
 * StoreModule and AdminAuthModule.
 */
@Module({})
export class RevocationModule {
  static forRoot(options: RevocationOptions = {}): DynamicModule {
    return {
      module: RevocationModule,
      controllers: [RevocationsController],
      providers: [
        ownMigrations('revocation', REVOCATION_MIGRATIONS),
        publisherFor('revocation'),
        { provide: REVOCATION_OPTIONS, useValue: withDefaults(options) },
        RevocationStore,
        OutboxPublisher,
        RevocationLifecycle,
      ],
    };
  }
}
