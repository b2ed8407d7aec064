import { Type } from '@sinclair/typebox';

/** The policy service's variables, shared by the policy app and embedded mode. */
export const policyConfig = {
  /** Folder of `admit.cedarschema` and `*.cedar` files; their content hash is the policy version. */
  ADMIT_POLICY_DIR: Type.String({ default: 'policies', minLength: 1 }),
  /** How often the folder is read for changes (ms); 0 reads it only at start. */
  ADMIT_POLICY_RELOAD_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 2_000 }),
};

/** The module options those variables describe. */
export function policyOptions(config: { ADMIT_POLICY_DIR: string; ADMIT_POLICY_RELOAD_MS: number }) {
  return { policyDir: config.ADMIT_POLICY_DIR, reloadMs: config.ADMIT_POLICY_RELOAD_MS };
}
