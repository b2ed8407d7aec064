import { Static, Type } from '@sinclair/typebox';
import { ClientMetadata } from '../http/client-metadata';
import { Problem } from './problem';

/** What the validator established about a request: the checked metadata, or why it failed. */
export const RegistrationValidated = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 2048 }),
    source: Type.Union([Type.Literal('rfc7591'), Type.Literal('cimd')]),
    outcome: Type.Union([Type.Literal('valid'), Type.Literal('invalid')]),
    /** Present when `outcome` is `valid`: the metadata as Admit will register it. */
    metadata: Type.Optional(ClientMetadata),
    /** Present when `outcome` is `invalid`: every rule the request broke. */
    errors: Type.Array(Problem, { maxItems: 64 }),
    validated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'The validation result for one request. Failed validation always ends in deny.' },
);
export type RegistrationValidated = Static<typeof RegistrationValidated>;
