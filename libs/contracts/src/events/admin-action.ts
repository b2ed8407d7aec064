import { Static, Type } from '@sinclair/typebox';

/** Every action taken through an admin API, naming its actor; audited like any other event. */
export const AdminAction = Type.Object(
  {
    /** The admin credential's name, never the credential. */
    actor: Type.String({ minLength: 1, maxLength: 256 }),
    /** What was done, for example `revocation.created` or `revocation.lifted`. */
    action: Type.String({ minLength: 1, maxLength: 128 }),
    /** What it was done to, for example a revocation id. */
    target: Type.String({ minLength: 1, maxLength: 2048 }),
    /** The action's parameters, without any secret. */
    details: Type.Record(Type.String(), Type.Unknown()),
    at: Type.String({ format: 'date-time' }),
  },
  { description: 'An action taken through an admin API, with the actor who took it.' },
);
export type AdminAction = Static<typeof AdminAction>;
