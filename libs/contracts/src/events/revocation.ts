import { Static, Type } from '@sinclair/typebox';

export const RevocationKind = Type.Union([
  Type.Literal('client_id'),
  Type.Literal('software_id'),
  Type.Literal('anchor'),
  Type.Literal('jkt'),
  Type.Literal('origin'),
  /** An OpenID Federation intermediate's Entity Identifier: every leaf whose trust chain passes through it. Added in contracts 1.4.0. */
  Type.Literal('intermediate'),
  /** A SPIFFE trust domain: every workload admitted by an SVID of it. Added in contracts 1.5.0. */
  Type.Literal('trust_domain'),
  /** A SPIFFE ID prefix (`spiffe://td/ns/payments`): every workload whose path starts with its whole segments. Added in contracts 1.5.0. */
  Type.Literal('spiffe_prefix'),
  /** A `type: client_attester` anchor's id: every agent admitted by an attestation it signed. Added in contracts 1.6.0. */
  Type.Literal('attester'),
]);
export type RevocationKind = Static<typeof RevocationKind>;

/** Every revocation kind, in the contract's order: what the CLI and the console offer. */
export const REVOCATION_KINDS: readonly RevocationKind[] = RevocationKind.anyOf.map((kind) => kind.const);

/**
 * A revocation in force. Published on a compacted topic keyed `kind:value`, so the topic always holds
 * the current set; lifting one publishes a tombstone (a null body) under the same key.
 */
export const Revocation = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    kind: RevocationKind,
    value: Type.String({ minLength: 1, maxLength: 2048 }),
    reason: Type.String({ maxLength: 2048 }),
    /** Who revoked: the admin credential's name, never the credential. */
    actor: Type.String({ minLength: 1, maxLength: 256 }),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { description: 'A revocation in force, keyed kind:value on a compacted topic.' },
);
export type Revocation = Static<typeof Revocation>;

export type RevocationStatus = 'active' | 'lifted' | 'expired';

/**
 * A revocation with its state: in force (`active`), or ended (`lifted` by an admin, or `expired`),
 * with when and by whom. One shape for both APIs, each keeping its public names for the end: the
 * revocation API says `lifted_at` / `lifted_by` (the default), the audit API `ended_at` / `ended_by`.
 */
export type RevocationView<End extends 'lifted' | 'ended' = 'lifted'> = Revocation & { status: RevocationStatus } & { [K in `${End}_at` | `${End}_by`]?: string };
