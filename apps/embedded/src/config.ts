import { busConfig, httpConfig, logConfig } from '@admit/platform';
import { validatorConfig } from '@admit/validator';
import { Type } from '@sinclair/typebox';

export const EmbeddedConfig = Type.Object({
  ...httpConfig(8080),
  ...logConfig,
  ...busConfig,
  ...validatorConfig,
  /** Where the embedded PostgreSQL (PGlite) keeps its files. */
  ADMIT_DATA_DIR: Type.String({ default: './.admit', minLength: 1 }),
  ADMIT_POLICY_DIR: Type.String({ default: 'policies', minLength: 1 }),
  ADMIT_DECISION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
});
