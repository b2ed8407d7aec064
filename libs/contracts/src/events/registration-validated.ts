import { Static, Type } from '@sinclair/typebox';
import { ClientMetadata } from '../http/client-metadata';
import { Problem } from './problem';

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * Where the metadata came from: a fetched document, a statement signed by a trust anchor, an OpenID
 * Federation trust chain (`federation`, added in contracts 1.4.0), a SPIFFE JWT-SVID and its trust
 * domain's path templates (`spiffe`, added in contracts 1.5.0), an attester's client attestation
 * and its template (`client_attestation`, added in contracts 1.6.0), or the caller's word.
 */
export const MetadataSource = Type.Union([Type.Literal('cimd'), Type.Literal('software_statement'), Type.Literal('federation'), Type.Literal('spiffe'), Type.Literal('client_attestation'), Type.Literal('self_asserted')]);
export type MetadataSource = Static<typeof MetadataSource>;

/** What policies see of a federation trust chain, in the validation and in the admission. Added in contracts 1.4.0 (optional). */
export const FederationFacts = {
  /** Entity Identifiers of the chain's intermediates, from the leaf's superior up (the anchor excluded). */
  intermediates: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 16 })),
  /** The types of the leaf's trust marks that hold. */
  trust_marks: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 64 })),
};

/** What policies see of a SPIFFE workload, in the validation and in the admission. Added in contracts 1.5.0 (optional). */
export const SpiffeFacts = {
  /** The trust domain of the workload's SPIFFE ID. */
  trust_domain: Type.Optional(Type.String({ maxLength: 255 })),
  /** The path segments of the workload's SPIFFE ID, in order (`spiffe://td/ns/payments/api`: ns, payments, api). */
  spiffe_path: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 64 })),
};

/** What policies see of an attested agent, in the validation and in the admission. Added in contracts 1.6.0 (optional). */
export const AttestationFacts = {
  /** The `type: client_attester` anchor (its id) whose attestation admitted the agent. */
  attester: Type.Optional(Type.String({ maxLength: 256 })),
};

/** What an auditor needs to know the metadata was real: the document or statement, by digest. */
export const ValidationEvidence = Type.Object({
  document: Type.Optional(
    Type.Object({
      url: Type.String({ maxLength: 2048 }),
      sha256: Sha256Hex,
      fetched_at: Type.String({ format: 'date-time' }),
      status: Type.Integer({ minimum: 100, maximum: 599 }),
      cache_ttl_s: Type.Integer({ minimum: 0 }),
    }),
  ),
  statement: Type.Optional(
    Type.Object({
      sha256: Sha256Hex,
      anchor: Type.String({ maxLength: 256 }),
      kid: Type.Optional(Type.String({ maxLength: 256 })),
      alg: Type.String({ maxLength: 32 }),
      /** The statement's `iat`: of two statements for one client, only the later may replace its admission. Added in contracts 1.2.0 (optional). */
      iat: Type.Optional(Type.String({ format: 'date-time' })),
      /** The statement's `exp`: the policy never admits a client for longer than its statement is valid. Added in contracts 1.1.0 (optional). */
      exp: Type.Optional(Type.String({ format: 'date-time' })),
    }),
  ),
  /**
   * The OpenID Federation trust chain the metadata was resolved through. Added in contracts 1.4.0 (optional).
   */
  federation: Type.Optional(
    Type.Object({
      /** The leaf's Entity Identifier (its client id). */
      entity_id: Type.String({ maxLength: 2048 }),
      /** The configured trust anchor's id, and its Entity Identifier. */
      anchor: Type.String({ maxLength: 256 }),
      anchor_entity_id: Type.String({ maxLength: 2048 }),
      /** Entity Identifiers from the leaf up to the trust anchor. */
      path: Type.Array(Type.String({ maxLength: 2048 }), { minItems: 2, maxItems: 16 }),
      /** Every statement of the chain by digest, the leaf's entity configuration first and the anchor's last. */
      statements: Type.Array(
        Type.Object({ iss: Type.String({ maxLength: 2048 }), sub: Type.String({ maxLength: 2048 }), sha256: Sha256Hex, exp: Type.String({ format: 'date-time' }) }),
        { minItems: 3, maxItems: 32 },
      ),
      /** The earliest `exp` in the chain: no admission on it outlives this. */
      expires_at: Type.String({ format: 'date-time' }),
      /** The entity type whose resolved metadata is the client's: `openid_relying_party` or `oauth_client`. */
      client_type: Type.String({ maxLength: 64 }),
      /**
       * On a valid outcome: the client's metadata as the chain resolved it (its superiors' metadata and
       * policies applied) and the metadata rules accepted it. Never recorded otherwise: it could hold a secret.
       */
      metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      /** Trust marks that hold, and those refused with why (a refused mark never fails the chain). */
      trust_marks: Type.Array(Type.Object({ type: Type.String({ maxLength: 2048 }), issuer: Type.String({ maxLength: 2048 }) }), { maxItems: 64 }),
      rejected_trust_marks: Type.Array(Type.Object({ type: Type.String({ maxLength: 2048 }), code: Type.String({ maxLength: 128 }) }), { maxItems: 64 }),
    }),
  ),
  /**
   * The JWT-SVID the workload was admitted on, by digest (never the SVID: it is a bearer credential
   * until its exp). Added in contracts 1.5.0 (optional).
   */
  spiffe: Type.Optional(
    Type.Object({
      spiffe_id: Type.String({ maxLength: 2048 }),
      /** The configured `type: spiffe` anchor's id, and its trust domain. */
      anchor: Type.String({ maxLength: 256 }),
      trust_domain: Type.String({ maxLength: 255 }),
      /** SHA-256 (hex) of the JWT-SVID as presented. */
      svid_sha256: Sha256Hex,
      /** The SVID's `exp`: no admission on it outlives this. */
      exp: Type.String({ format: 'date-time' }),
      /** The anchor's path template the metadata came from (its prefix), when one matched. */
      template: Type.Optional(Type.String({ maxLength: 2048 })),
    }),
  ),
  /**
   * The client attestation the agent was admitted on (its PoP was checked by intake when presented).
   * Added in contracts 1.6.0 (optional).
   */
  client_attestation: Type.Optional(
    Type.Object({
      /** The `type: client_attester` anchor's id, and its issuer (the attestation's `iss`). */
      attester: Type.String({ maxLength: 256 }),
      issuer: Type.String({ maxLength: 2048 }),
      /** RFC 7638 thumbprint of the key the attestation binds (`cnf.jwk`): `jkt` revocations cut it. */
      jkt: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
      /** SHA-256 (hex) of the attestation as presented. */
      attestation_sha256: Sha256Hex,
      /** The attestation's `exp`: no admission on it outlives this. */
      exp: Type.String({ format: 'date-time' }),
    }),
  ),
  /**
   * The `client_id` a producer of the request put in it, when that is not the id Admit gives the client
   * (and not the provisional `c_` id of the body either, which intake sends for every `POST /register`).
   * Recorded, never used. Added in contracts 1.3.0 (optional).
   */
  requested_as: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
});
export type ValidationEvidence = Static<typeof ValidationEvidence>;

/** What the validator established about a request: the checked metadata, or why it failed. */
export const RegistrationValidated = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 2048 }),
    source: MetadataSource,
    outcome: Type.Union([Type.Literal('valid'), Type.Literal('invalid')]),
    /** Present when `outcome` is `valid`: the metadata as Admit will register it. */
    metadata: Type.Optional(ClientMetadata),
    /** Every rule the request broke; empty when valid. */
    errors: Type.Array(Problem, { maxItems: 64 }),
    evidence: ValidationEvidence,
    /** The trust anchor that signed the statement, or that the federation trust chain ends at. */
    anchor: Type.Optional(Type.String({ maxLength: 256 })),
    ...FederationFacts,
    ...SpiffeFacts,
    ...AttestationFacts,
    software_id: Type.Optional(Type.String({ maxLength: 256 })),
    /** The origin of the metadata document. */
    origin: Type.Optional(Type.String({ maxLength: 2048 })),
    /** RFC 7638 SHA-256 thumbprints of the client's public keys. */
    jkts: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }), { maxItems: 64 }),
    validated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'The validation result for one request, with its evidence. Failed validation always ends in deny.' },
);
export type RegistrationValidated = Static<typeof RegistrationValidated>;
