import { Static, Type } from '@sinclair/typebox';
import { Problem } from './problem';

/** An access check before a sensitive call, decided locally or after a fresh admission. */
export const AccessChecked = Type.Object(
  {
    check_id: Type.String({ minLength: 1, maxLength: 128 }),
    client_id: Type.String({ minLength: 1, maxLength: 2048 }),
    action: Type.String({ minLength: 1, maxLength: 256 }),
    resource: Type.Optional(Type.String({ maxLength: 2048 })),
    decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    reasons: Type.Array(Problem, { maxItems: 64 }),
    policy_version: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    /** `local`: decided from a fresh cached admission; `pipeline`: the client was admitted again first. */
    path: Type.Union([Type.Literal('local'), Type.Literal('pipeline')]),
    admission_age_s: Type.Optional(Type.Number({ minimum: 0 })),
    checked_at: Type.String({ format: 'date-time' }),
    /**
     * Checks of a client Admit holds no admission for are aggregated: this event stands for `count`
     * checks of `client_id` (`*`: of client ids past the bound on open windows) from
     * `first_checked_at` to `checked_at`, with the action and resource of the first. Absent: one check.
     */
    /** Added in contracts 1.2.0 (optional, so older consumers are unaffected), as is `first_checked_at`. */
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    first_checked_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { description: 'The outcome of one access check.' },
);
export type AccessChecked = Static<typeof AccessChecked>;
