import { Static, Type } from '@sinclair/typebox';

/** An event a consumer could not handle, with the reason and enough of the original to replay it. */
export const DeadLetter = Type.Object(
  {
    /** The consumer group that gave up. */
    consumer: Type.String({ minLength: 1, maxLength: 256 }),
    topic: Type.String({ minLength: 1, maxLength: 256 }),
    partition: Type.Integer({ minimum: 0 }),
    offset: Type.String({ pattern: '^[0-9]+$' }),
    key: Type.Union([Type.String(), Type.Null()]),
    error: Type.Object({
      code: Type.String({ minLength: 1, maxLength: 64 }),
      message: Type.String({ maxLength: 4096 }),
    }),
    attempts: Type.Integer({ minimum: 0 }),
    // Not Type.Record: its pattern `^(.*)$` skips names with line breaks, leaving their values unchecked.
    headers: Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } }),
    /** The original body as UTF-8, cut at 64 KiB. */
    payload: Type.Union([Type.String(), Type.Null()]),
    payload_truncated: Type.Boolean(),
    dead_lettered_at: Type.String({ format: 'date-time' }),
  },
  { description: 'An event that a consumer dead-lettered, with its reason.' },
);
export type DeadLetter = Static<typeof DeadLetter>;
