import { splitList } from '@admit/platform';
import { Static, Type } from '@sinclair/typebox';
import { join } from 'node:path';
import { AuditOptions } from './audit-options';
import { loadConsoleSessionKey } from './console/console-session';
import { fileCheckpointSink } from './checkpoint/external-checkpoints';
import { kafkaCheckpointSink } from './checkpoint/kafka-checkpoints';

/** The audit service's variables, shared by the audit app and embedded mode. */
export const auditConfig = {
  /** The checkpoint keys (JSON JWKS), which intake never holds and which must differ from the signing keys. Unset: none (embedded mode: one generated in ADMIT_DATA_DIR). */
  ADMIT_CHECKPOINT_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Seconds between signed checkpoints of the chain heads; 0 turns them off. */
  ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  /** `GET /audit/verify` fails when the newest checkpoint is older than this many seconds; 0: not checked. */
  ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S: Type.Integer({ minimum: 0, maximum: 31_536_000, default: 0 }),
  /** The auditor console's session key (at least 32 random bytes), the same file on every audit instance. Unset: no console (embedded mode: one generated in ADMIT_DATA_DIR). */
  ADMIT_CONSOLE_SESSION_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

/** The audit app's own: where the console forwards revocations. */
export const auditServiceConfig = {
  /** The revocation service's base URL, where the console forwards revocations; unset: the console cannot revoke. */
  ADMIT_REVOCATION_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
};

/** Embedded mode's own: the file every checkpoint is also written to. */
export const checkpointFileConfig = {
  /** The append-only file every checkpoint is also written to; default: audit-checkpoints.jsonl in ADMIT_DATA_DIR. */
  ADMIT_AUDIT_CHECKPOINT_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

type AuditVariables = Static<ReturnType<typeof Type.Object<typeof auditConfig>>>;
/** Embedded mode (a data folder): checkpoints also go to a file, and the console revokes through this same process. */
type EmbeddedAudit = AuditVariables & { ADMIT_DATA_DIR: string; ADMIT_AUDIT_CHECKPOINT_FILE?: string };
/** The audit app: checkpoints also go to Kafka, which the database role cannot reach. */
type DistributedAudit = AuditVariables & { KAFKA_BROKERS: string; ADMIT_KAFKA_TOPIC_PREFIX: string; ADMIT_REVOCATION_URL?: string };

/** The module options those variables describe; reads the console session key (embedded mode: generates it). */
export function auditOptions(config: EmbeddedAudit | DistributedAudit): AuditOptions {
  const dataDir = 'ADMIT_DATA_DIR' in config ? config.ADMIT_DATA_DIR : undefined;
  return {
    checkpointIntervalMs: config.ADMIT_AUDIT_CHECKPOINT_INTERVAL_S * 1000,
    checkpointMaxAgeS: config.ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S,
    checkpointKey: { file: config.ADMIT_CHECKPOINT_KEY_FILE, dataDir },
    consoleSessionKey: loadConsoleSessionKey({ file: config.ADMIT_CONSOLE_SESSION_KEY_FILE, dataDir }),
    ...('ADMIT_DATA_DIR' in config
      ? { checkpointSink: fileCheckpointSink(config.ADMIT_AUDIT_CHECKPOINT_FILE ?? join(config.ADMIT_DATA_DIR, 'audit-checkpoints.jsonl')), revocationUrl: 'self' }
      : { checkpointSink: kafkaCheckpointSink({ brokers: splitList(config.KAFKA_BROKERS), topicPrefix: config.ADMIT_KAFKA_TOPIC_PREFIX }), revocationUrl: config.ADMIT_REVOCATION_URL }),
  };
}
