import { fetchConfig, fetchOptions } from '@admit/metadata';
import { httpConfig, issuerConfig, issuerOf } from '@admit/platform';
import { loadTrustAnchors, trustAnchorsConfig } from '@admit/trust';
import { Static, Type } from '@sinclair/typebox';
import { DEFAULT_JTI_QUOTA } from './access/jti-ledger';
import { gatewayConfig, loadGatewayActions } from './gateway/gateway-actions';
import type { IntakeModuleOptions } from './intake.module';
import { rateLimitConfig, rateLimitOptions } from './limits/rate-limits';

/** Intake's variables, shared by the intake app and embedded mode. */
export const intakeConfig = {
  ...issuerConfig,
  /** Unexpired client-assertion jtis one client may hold; past it, its assertions get `ERR_CLIENT_ASSERTION_BUSY`. */
  ADMIT_CLIENT_ASSERTION_JTI_QUOTA: Type.Integer({ minimum: 1, maximum: 10_000_000, default: DEFAULT_JTI_QUOTA }),
  ...rateLimitConfig,
  ...gatewayConfig,
  /** The SPIFFE trust domains and client attesters whose proofs intake checks where they are presented. */
  ...trustAnchorsConfig,
  /** Client jwks_uri and SPIFFE bundle endpoints are fetched with the same settings as the validator's fetches. */
  ...fetchConfig,
  /** How long a caller waits for its decision before getting 503 with Retry-After. */
  ADMIT_DECISION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
};

/** Intake's variables, and the HTTP address its issuer defaults to. */
export type IntakeVariables = Static<ReturnType<typeof Type.Object<typeof intakeConfig & ReturnType<typeof httpConfig>>>>;

/** The module options those variables describe; reads the gateway table and the anchors file. */
export function intakeOptions(config: IntakeVariables): IntakeModuleOptions {
  return {
    decisionTimeoutMs: config.ADMIT_DECISION_TIMEOUT_MS,
    issuer: issuerOf(config),
    jtiQuota: config.ADMIT_CLIENT_ASSERTION_JTI_QUOTA,
    rateLimits: rateLimitOptions(config),
    gatewayActions: loadGatewayActions(config.ADMIT_GATEWAY_ACTIONS_FILE),
    anchors: loadTrustAnchors(config.ADMIT_TRUST_ANCHORS_FILE),
    fetch: fetchOptions(config),
  };
}
