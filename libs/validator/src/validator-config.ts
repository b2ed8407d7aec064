import { fetchConfig, fetchOptions } from '@admit/metadata';
import { issuerConfig, issuerOf } from '@admit/platform';
import { loadTrustAnchors, trustAnchorsConfig } from '@admit/trust';
import { Static, Type } from '@sinclair/typebox';

/** The validator's variables, shared by the validator app and embedded mode. */
export const validatorConfig = {
  ...trustAnchorsConfig,
  ...fetchConfig,
  ...issuerConfig,
  ADMIT_CIMD_MIN_TTL_S: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  ADMIT_CIMD_MAX_TTL_S: Type.Integer({ minimum: 1, maximum: 604_800, default: 86_400 }),
  /** OpenID Federation: the largest entity statement accepted, in bytes (64 KiB). */
  ADMIT_FEDERATION_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 65_536 }),
  /** OpenID Federation: superiors between a leaf and its trust anchor, the anchor included. */
  ADMIT_FEDERATION_MAX_DEPTH: Type.Integer({ minimum: 1, maximum: 10, default: 5 }),
  /** OpenID Federation: HTTP requests one trust chain resolution may make. */
  ADMIT_FEDERATION_MAX_FETCHES: Type.Integer({ minimum: 2, maximum: 64, default: 16 }),
  /** OpenID Federation: how long a failed statement fetch is remembered and not tried again. */
  ADMIT_FEDERATION_FAILURE_COOLDOWN_S: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }),
};

export type ValidatorVariables = Static<ReturnType<typeof Type.Object<typeof validatorConfig>>>;

/** Embedded mode: a data folder, and the HTTP address intake's issuer defaults to. */
type EmbeddedValidator = ValidatorVariables & { ADMIT_DATA_DIR: string; ADMIT_HTTP_HOST: string; ADMIT_HTTP_PORT: number };

/** The module options those variables describe; reads the anchors file. */
export function validatorOptions(config: ValidatorVariables | EmbeddedValidator) {
  return {
    // Embedded mode runs intake in this process, so it derives the issuer as intake does.
    issuer: 'ADMIT_DATA_DIR' in config ? issuerOf(config) : config.ADMIT_ISSUER,
    fetch: fetchOptions(config),
    anchors: loadTrustAnchors(config.ADMIT_TRUST_ANCHORS_FILE),
    // How long CIMD documents are cached, at least and at most.
    cimdCache: { minTtlMs: config.ADMIT_CIMD_MIN_TTL_S * 1000, maxTtlMs: config.ADMIT_CIMD_MAX_TTL_S * 1000 },
    federation: {
      maxBytes: config.ADMIT_FEDERATION_MAX_BYTES,
      maxDepth: config.ADMIT_FEDERATION_MAX_DEPTH,
      maxFetches: config.ADMIT_FEDERATION_MAX_FETCHES,
      failureCooldownMs: config.ADMIT_FEDERATION_FAILURE_COOLDOWN_S * 1000,
    },
  };
}

export type ValidatorOptions = ReturnType<typeof validatorOptions>;
