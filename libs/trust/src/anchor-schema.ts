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

const AnchorId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
export const SOFTWARE_STATEMENT_TYPE = 'software_statement';
export const OPENID_FEDERATION_TYPE = 'openid_federation';
export const SPIFFE_TYPE = 'spiffe';
export const CLIENT_ATTESTER_TYPE = 'client_attester';

/** One trust anchor as written in ADMIT_TRUST_ANCHORS_FILE (snake_case, like the YAML). */
export const TrustAnchorConfig = Type.Object(
  {
    id: AnchorId,
    /** Optional: software statement anchors are the default type. */
    type: Type.Optional(Type.Literal(SOFTWARE_STATEMENT_TYPE)),
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

/**
 * An OpenID Federation trust anchor: its Entity Identifier and its federation keys, pinned here (its
 * own entity configuration is never trusted by itself). `domains` (RFC 5280 style: `.example.org` is
 * any host below it, `fed.example` that host alone) route client ids on those hosts to federation.
 */
export const FederationAnchorConfig = Type.Object(
  {
    id: AnchorId,
    type: Type.Literal(OPENID_FEDERATION_TYPE),
    entity_id: Type.String({ minLength: 1, maxLength: 2048 }),
    jwks: Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 64 }) }),
    domains: Type.Optional(Type.Array(Type.String({ pattern: '^\\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$', maxLength: 253 }), { maxItems: 64, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type FederationAnchorConfig = Static<typeof FederationAnchorConfig>;

/**
 * A SPIFFE trust domain: its JWT bundle, pinned (`bundle`) or fetched from its `https_web` bundle
 * endpoint (`bundle_endpoint`); the longest SVID lifetime accepted; and the client metadata of the
 * workloads under each path prefix (`templates`: prefix -> metadata), matched by whole segments.
 */
export const SpiffeAnchorConfig = Type.Object(
  {
    id: AnchorId,
    type: Type.Literal(SPIFFE_TYPE),
    trust_domain: Type.String({ minLength: 1, maxLength: 255 }),
    // A SPIFFE bundle may hold X.509-SVID keys without kid; its JWT-SVID keys are checked when it is parsed.
    bundle: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({ kty: Type.String() }, { additionalProperties: true }), { minItems: 1, maxItems: 64 }) }, { additionalProperties: true })),
    bundle_endpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    max_lifetime_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    templates: Type.Record(Type.String({ maxLength: 2048 }), Type.Object({}, { additionalProperties: true }), { minProperties: 1, maxProperties: 1024 }),
  },
  { additionalProperties: false },
);
export type SpiffeAnchorConfig = Static<typeof SpiffeAnchorConfig>;

/**
 * A client attester: the platform that launches agents and signs their client attestations
 * (OAuth attestation-based client authentication). `issuer` is the attestations' `iss`, `jwks` its
 * pinned public keys, and `metadata` the client metadata of every agent it attests (the agent's bound
 * key is added as its `jwks`): an agent asserts nothing about itself beyond its id and key.
 */
export const ClientAttesterAnchorConfig = Type.Object(
  {
    id: AnchorId,
    type: Type.Literal(CLIENT_ATTESTER_TYPE),
    issuer: Type.String({ minLength: 1, maxLength: 2048 }),
    jwks: Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 64 }) }),
    metadata: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: false },
);
export type ClientAttesterAnchorConfig = Static<typeof ClientAttesterAnchorConfig>;

/** The file: each entry is checked against the schema of its `type` (see buildTrustAnchors). */
export const TrustAnchorsConfig = Type.Object(
  { anchors: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 1024 }) },
  { additionalProperties: false },
);
export type TrustAnchorsConfig = { anchors: Record<string, unknown>[] };
