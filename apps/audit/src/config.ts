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
  /** The auditor console's session key (at least 32 random bytes), the same file on every audit instance; unset: no console. */
  ADMIT_CONSOLE_SESSION_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** The revocation service's base URL, where the console forwards revocations; unset: the console cannot revoke. */
  ADMIT_REVOCATION_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S: Type.Integer({ minimum: 0, maximum: 31_536_000, default: 0 }),
});
