import { assertionConfig, gatewayConfig, issuerConfig, rateLimitConfig } from '@admit/intake';
import { adminConfig, busConfig, httpConfig, logConfig } from '@admit/platform';
import { policyConfig } from '@admit/policy';
import { validatorConfig } from '@admit/validator';
import { Type } from '@sinclair/typebox';

export const EmbeddedConfig = Type.Object({
  ...httpConfig(8080),
  ...logConfig,
  ...busConfig,
  ...validatorConfig,
  ...adminConfig,
  /** Where the embedded PostgreSQL (PGlite) keeps its files. */
  ADMIT_DATA_DIR: Type.String({ default: './.admit', minLength: 1 }),
  ...policyConfig,
  ADMIT_DECISION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  ...issuerConfig,
  ...assertionConfig,
  ...rateLimitConfig,
  ...gatewayConfig,
  /** Admit's signing keys (a JWK Set of private keys); unset: one generated in ADMIT_DATA_DIR on first start. */
  ADMIT_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** The audit checkpoint keys, which must differ from the signing keys; unset: one generated in ADMIT_DATA_DIR. */
  ADMIT_CHECKPOINT_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** The auditor console's session key (at least 32 random bytes); unset: one generated in ADMIT_DATA_DIR. */
  ADMIT_CONSOLE_SESSION_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** Seconds between signed checkpoints of the chain heads; 0 turns them off. */
  ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  /** The append-only file every checkpoint is also written to; default: audit-checkpoints.jsonl in ADMIT_DATA_DIR. */
  ADMIT_AUDIT_CHECKPOINT_FILE: Type.Optional(Type.String({ minLength: 1 })),
});
