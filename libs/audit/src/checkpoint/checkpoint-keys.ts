import { Provider } from '@nestjs/common';
import { SigningKeys } from '@admit/keys';
import { AuditError, AuditErrorCode } from '../audit-error';

/** The file a checkpoint key is generated into, inside ADMIT_DATA_DIR (embedded mode). */
export const GENERATED_CHECKPOINT_KEY_FILE = 'checkpoint-key.json';
export const CHECKPOINT_KEY_FILE_VAR = 'ADMIT_CHECKPOINT_KEY_FILE';

/**
 * The audit service's own key set for checkpoints, apart from the admission-token keys: whoever
 * holds intake's key (every intake instance) can then still not sign a checkpoint.
 */
export const CHECKPOINT_KEYS = Symbol('CHECKPOINT_KEYS');

export interface CheckpointKeyOptions {
  /** ADMIT_CHECKPOINT_KEY_FILE: a JSON JWK Set of private keys; the first signs. */
  file?: string;
  /** Embedded mode: where a key is generated on first start when no file is given. */
  dataDir?: string;
}

/** Loads the checkpoint keys (undefined without a source) and refuses any key the app also signs admission tokens with. */
export function checkpointKeysProvider(options: CheckpointKeyOptions | undefined): Provider {
  return {
    provide: CHECKPOINT_KEYS,
    inject: [{ token: SigningKeys, optional: true }],
    useFactory: async (tokenKeys?: SigningKeys) => {
      if (!options?.file && !options?.dataDir) return undefined;
      const keys = await SigningKeys.load({ ...options, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
      if (tokenKeys) {
        const shared = keys.publicJwks().keys.filter((k) => tokenKeys.publicJwks().keys.some((t) => t.kid === k.kid || (t.x !== undefined && t.x === k.x) || (t.n !== undefined && t.n === k.n)));
        if (shared.length > 0) {
          throw new AuditError(AuditErrorCode.CheckpointKeyShared, `${CHECKPOINT_KEY_FILE_VAR}: key ${shared[0].kid} is also an admission-token signing key; checkpoints need a key of their own`);
        }
      }
      return keys;
    },
  };
}
