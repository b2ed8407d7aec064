import { Static, Type } from '@sinclair/typebox';
import { ClientMetadata } from '../http/client-metadata';
import { Problem } from './problem';
import { AttestationFacts, FederationFacts, MetadataSource, SpiffeFacts } from './registration-validated';

/**
 * What an allow decision admits, and until when: everything a gateway or intake needs to decide an
 * access check or sign the admission token without asking the validator again.
 */
export const Admission = Type.Object({
  source: MetadataSource,
  anchor: Type.Optional(Type.String({ maxLength: 256 })),
  software_id: Type.Optional(Type.String({ maxLength: 256 })),
  origin: Type.Optional(Type.String({ maxLength: 2048 })),
  ...FederationFacts,
  ...SpiffeFacts,
  ...AttestationFacts,
  jkts: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }), { maxItems: 64 }),
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of the validation evidence. */
  evidence_sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  validated_at: Type.String({ format: 'date-time' }),
  /** The admission's end: the minimum of the document cache TTL, the statement `exp`, the trust chain's earliest `exp`, the JWT-SVID's `exp`, the client attestation's `exp` and the policy maximum. */
  expires_at: Type.String({ format: 'date-time' }),
  /** Policy findings that do not deny, for example `loopback_redirect_uris`. */
  flags: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64 }),
});
export type Admission = Static<typeof Admission>;

/** The one decision every registration request ends in. */
export const RegistrationDecided = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 2048 }),
    decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    /** Content hash of the Cedar policy set that decided (`sha256:<hex>`). */
    policy_version: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    /** Ids of the policies that determined the decision; empty for a default deny. */
    determining_policies: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 4096 }),
    reasons: Type.Array(Problem, { maxItems: 64 }),
    /** On deny: the RFC 7591 error code the caller gets. */
    error: Type.Optional(Type.String({ maxLength: 64 })),
    /** On allow: the registered metadata. */
    metadata: Type.Optional(ClientMetadata),
    /** On allow: what was admitted and until when. Added in contracts 1.1.0 (optional, so older consumers are unaffected). */
    admission: Type.Optional(Admission),
    decided_at: Type.String({ format: 'date-time' }),
  },
  { description: 'The decision on one request, with the policy version and the policies that determined it.' },
);
export type RegistrationDecided = Static<typeof RegistrationDecided>;
