import { trustAnchorsConfig } from '@admit/trust';
import { Static, Type } from '@sinclair/typebox';

/** The validator's variables, shared by the validator app and embedded mode. */
export const validatorConfig = {
  ...trustAnchorsConfig,
  /** Admit's public URL: the `aud` every JWT-SVID presented to Admit must name. Required with a `type: spiffe` anchor. */
  ADMIT_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]+$', maxLength: 2048 })),
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

export type ValidatorOptions = Static<ReturnType<typeof Type.Object<typeof validatorConfig>>>;
