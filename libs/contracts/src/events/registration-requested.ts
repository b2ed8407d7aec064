import { Static, Type } from '@sinclair/typebox';

/**
 * A caller asked to register (RFC 7591 body), or to be admitted by an https client id: a metadata
 * document URL (CIMD), or an OpenID Federation Entity Identifier. A `cimd` request whose host falls
 * under a federation trust anchor's `domains` is resolved as a federation entity (README: metadata sources);
 * or a workload presenting its SPIFFE JWT-SVID; or an agent presenting its client attestation.
 */
export const RegistrationRequested = Type.Union(
  [
    Type.Object({
      client_id: Type.String({ minLength: 1, maxLength: 2048 }),
      source: Type.Literal('rfc7591'),
      /** The request body exactly as received; the validator decides what it is worth. */
      metadata: Type.Record(Type.String(), Type.Unknown()),
      received_at: Type.String({ format: 'date-time' }),
    }),
    Type.Object({
      client_id: Type.String({ minLength: 1, maxLength: 2048 }),
      source: Type.Literal('cimd'),
      /** A freshness re-check: the document is fetched again, never served from a cache. Added in contracts 1.2.0 (optional). */
      fresh: Type.Optional(Type.Boolean()),
      received_at: Type.String({ format: 'date-time' }),
    }),
    Type.Object({
      /** The leaf's Entity Identifier, used as its client id (OpenID Federation automatic registration). */
      client_id: Type.String({ minLength: 1, maxLength: 2048 }),
      /** Added in contracts 1.4.0: the trust chain is resolved, never a metadata document fetched. */
      source: Type.Literal('openid_federation'),
      /** A freshness re-check: every statement of the chain is fetched again, never served from a cache. */
      fresh: Type.Optional(Type.Boolean()),
      received_at: Type.String({ format: 'date-time' }),
    }),
    Type.Object({
      /** The SVID's `sub` as presented, before anything is verified: only a name for the request. */
      client_id: Type.String({ minLength: 1, maxLength: 2048 }),
      /** Added in contracts 1.5.0: a workload presents its SPIFFE JWT-SVID; its SPIFFE ID is its client id. */
      source: Type.Literal('spiffe'),
      /** The JWT-SVID (compact JWS). */
      client_assertion: Type.String({ minLength: 1, maxLength: 16_384 }),
      received_at: Type.String({ format: 'date-time' }),
    }),
    Type.Object({
      /** The attestation's `sub` as presented, before anything is verified: only a name for the request. */
      client_id: Type.String({ minLength: 1, maxLength: 2048 }),
      /**
       * Added in contracts 1.6.0: an agent presents the client attestation its platform (an attester)
       * signed. Intake checked its proof of possession (OAuth-Client-Attestation-PoP) when it was
       * presented; the validator verifies the attestation.
       */
      source: Type.Literal('client_attestation'),
      /** The OAuth-Client-Attestation (compact JWS), bound to the agent's key: no use without that key. */
      client_attestation: Type.String({ minLength: 1, maxLength: 16_384 }),
      received_at: Type.String({ format: 'date-time' }),
    }),
  ],
  { description: 'A registration or admission request, before anything about it is checked.' },
);
export type RegistrationRequested = Static<typeof RegistrationRequested>;
