import { Static, Type } from '@sinclair/typebox';

/** One machine-readable reason with a human-readable description. */
export const Problem = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.String({ maxLength: 2048 }),
    /** The RFC 7591 error code a registering caller gets for this problem, where `code` is not one. */
    error: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { description: 'A stable code (an RFC error code, ERR_*, policy:<id> or revoked:<kind>: see docs/errors.md), a description, and the RFC 7591 error it maps to.' },
);
export type Problem = Static<typeof Problem>;
