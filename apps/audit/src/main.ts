import 'reflect-metadata';
import { AuditModule, kafkaCheckpointSink, loadConsoleSessionKey } from '@admit/audit';
import { AdminAuthModule, runDistributed, splitList } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { AuditConfig } from './config';

runDistributed('audit', AuditConfig, (config) => [
  StoreModule.forRoot({ url: config.DATABASE_URL }),
  AdminAuthModule.forRoot({ tokensFile: config.ADMIT_ADMIN_TOKENS_FILE }),
  AuditModule.forRoot({
    checkpointIntervalMs: config.ADMIT_AUDIT_CHECKPOINT_INTERVAL_S * 1000,
    checkpointMaxAgeS: config.ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S,
    checkpointKey: { file: config.ADMIT_CHECKPOINT_KEY_FILE },
    consoleSessionKey: loadConsoleSessionKey({ file: config.ADMIT_CONSOLE_SESSION_KEY_FILE }),
    revocationUrl: config.ADMIT_REVOCATION_URL,
    // Each checkpoint also goes to Kafka, which the database role cannot reach.
    checkpointSink: kafkaCheckpointSink({ brokers: splitList(config.KAFKA_BROKERS), topicPrefix: config.ADMIT_KAFKA_TOPIC_PREFIX }),
  }),
]);
