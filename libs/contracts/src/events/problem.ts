import { Static, Type } from '@sinclair/typebox';

/** One machine-readable reason with a human-readable description. */
export const Problem = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.String({ maxLength: 2048 }),
  },
  { description: 'A stable code (RFC 7591 error code, policy id or ERR_*) and a human-readable description.' },
);
export type Problem = Static<typeof Problem>;
