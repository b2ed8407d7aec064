import { distributedConfig } from '@admit/platform';
import { Type } from '@sinclair/typebox';

export const IntakeConfig = distributedConfig(8080, {
  /** How long a caller waits for its decision before getting 503 with Retry-After. */
  ADMIT_DECISION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
});
