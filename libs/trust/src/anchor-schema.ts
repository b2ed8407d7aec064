import { Static, Type } from '@sinclair/typebox';

/** A year: statements older than this are stale under any sane policy. */
export const MAX_STATEMENT_AGE_S = 365 * 24 * 3600;

const Jwk = Type.Object(
  {
    kty: Type.String({ minLength: 1 }),
    // Statements must name their key, so every inline key needs a kid to be selectable.
    kid: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: true },
);

/** One trust anchor as written in ADMIT_TRUST_ANCHORS_FILE (snake_case, like the YAML). */
export const TrustAnchorConfig = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    issuer: Type.String({ minLength: 1, maxLength: 2048 }),
    jwks: Type.Optional(Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 64 }) })),
    jwks_uri: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    algorithms: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 16, uniqueItems: true }),
    max_age_s: Type.Integer({ minimum: 1, maximum: MAX_STATEMENT_AGE_S }),
    required_claims: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 64, uniqueItems: true }),
    ),
  },
  // A misspelt field (jwks_url, max_age) must fail loudly rather than silently fall back.
  { additionalProperties: false },
);
export type TrustAnchorConfig = Static<typeof TrustAnchorConfig>;

export const TrustAnchorsConfig = Type.Object(
  { anchors: Type.Array(TrustAnchorConfig, { maxItems: 1024 }) },
  { additionalProperties: false },
);
export type TrustAnchorsConfig = Static<typeof TrustAnchorsConfig>;
