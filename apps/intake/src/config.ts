import { assertionConfig, gatewayConfig, issuerConfig, rateLimitConfig } from '@admit/intake';
import { databaseConfig, distributedConfig } from '@admit/platform';
import { trustAnchorsConfig } from '@admit/trust';
import { Type } from '@sinclair/typebox';

export const IntakeConfig = distributedConfig(8080, {
  ...issuerConfig,
  ...assertionConfig,
  ...rateLimitConfig,
  ...gatewayConfig,
  /** The SPIFFE trust domains and client attesters whose proofs intake checks where they are presented. */
  ...trustAnchorsConfig,
  /** Client assertions' jtis are kept here, so that no intake accepts one twice. */
  ...databaseConfig,
  /**
   * Required here: every intake instance, before and after a restart, must sign with the same key a
   * gateway already trusts. A generated (ephemeral) key would silently break verification, so a
   * missing file stops the start instead. Only embedded mode generates one.
   */
  ADMIT_SIGNING_KEY_FILE: Type.String({ minLength: 1 }),
  /** How long a caller waits for its decision before getting 503 with Retry-After. */
  ADMIT_DECISION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
});
