import { adminConfig, databaseConfig, distributedConfig } from '@admit/platform';
import { Type } from '@sinclair/typebox';

export const AuditConfig = distributedConfig(8084, {
  ...databaseConfig,
  ...adminConfig,
  /** The audit service's own checkpoint keys (JSON JWKS), which intake never holds. Unset: no checkpoints are made. */
  ADMIT_CHECKPOINT_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Seconds between signed checkpoints of the chain heads; 0 turns them off. */
  ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  /** `GET /audit/verify` fails when the newest checkpoint is older than this many seconds; 0: not checked. */
  ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S: Type.Integer({ minimum: 0, maximum: 31_536_000, default: 0 }),
});
