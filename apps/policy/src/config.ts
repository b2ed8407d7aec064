import { distributedConfig } from '@admit/platform';
import { Type } from '@sinclair/typebox';

export const PolicyConfig = distributedConfig(8082, {
  /** Folder of *.cedar files; the content hash of the set is the policy version. */
  ADMIT_POLICY_DIR: Type.String({ default: 'policies', minLength: 1 }),
});
