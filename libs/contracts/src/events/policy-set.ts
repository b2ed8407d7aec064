import { Static, Type } from '@sinclair/typebox';

/**
 * The active Cedar policy set, exactly as the policy service loaded it. Published on a compacted
 * topic under the key `active`, so every instance that reads the topic to its end decides with the
 * same version, and a change reaches them all without a restart.
 */
export const PolicySetPublished = Type.Object(
  {
    /** Content hash of the files (`sha256:<hex>`); the same files always give the same version. */
    version: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    /** The Cedar schema the policies were validated against. */
    schema: Type.String({ maxLength: 262_144 }),
    /** Every `*.cedar` file, by name, in name order. */
    files: Type.Array(
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }), text: Type.String({ maxLength: 262_144 }) }),
      { minItems: 1, maxItems: 64 },
    ),
    published_at: Type.String({ format: 'date-time' }),
  },
  { description: 'The active Cedar policy set, keyed `active` on a compacted topic.' },
);
export type PolicySetPublished = Static<typeof PolicySetPublished>;
