import 'reflect-metadata';
import { AuditModule } from '@admit/audit';
import { KeysModule } from '@admit/keys';
import { AdminAuthModule, runDistributed } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { AuditConfig } from './config';

runDistributed('audit', AuditConfig, (config) => [
  StoreModule.forRoot({ url: config.DATABASE_URL }),
  AdminAuthModule.forRoot({ tokensFile: config.ADMIT_ADMIN_TOKENS_FILE }),
  ...(config.ADMIT_SIGNING_KEY_FILE ? [KeysModule.forRoot({ file: config.ADMIT_SIGNING_KEY_FILE })] : []),
  AuditModule.forRoot({ checkpointIntervalMs: config.ADMIT_AUDIT_CHECKPOINT_INTERVAL_S * 1000 }),
]);
