import { adminConfig, databaseConfig, distributedConfig } from '@admit/platform';
import { Type } from '@sinclair/typebox';

export const AuditConfig = distributedConfig(8084, {
  ...databaseConfig,
  ...adminConfig,
  /** Admit's signing keys (JSON JWKS); they sign the chain checkpoints. Unset: no checkpoints are made. */
  ADMIT_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Seconds between signed checkpoints of the chain heads; 0 turns them off. */
  ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
});
