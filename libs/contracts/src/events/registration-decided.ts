import { Static, Type } from '@sinclair/typebox';
import { ClientMetadata } from '../http/client-metadata';
import { Problem } from './problem';

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
    decided_at: Type.String({ format: 'date-time' }),
  },
  { description: 'The decision on one request, with the policy version and the policies that determined it.' },
);
export type RegistrationDecided = Static<typeof RegistrationDecided>;
