import { Type } from '@sinclair/typebox';
import { SigningKeysOptions } from './signing-keys';

/** Admit's signing keys (a JWK Set of private keys); embedded mode generates one in ADMIT_DATA_DIR when unset. */
export const signingKeyConfig = {
  ADMIT_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

/**
 * The same variable, required: every intake instance, before and after a restart, must sign with the
 * same key a gateway already trusts. A generated (ephemeral) key would silently break verification,
 * so a missing file stops the start instead. Only embedded mode generates one.
 */
export const requiredSigningKeyConfig = {
  ADMIT_SIGNING_KEY_FILE: Type.String({ minLength: 1 }),
};

/** The key options those variables describe; ADMIT_DATA_DIR (embedded mode only) is where a key is generated. */
export function keysOptions(config: { ADMIT_SIGNING_KEY_FILE?: string; ADMIT_DATA_DIR?: string }): SigningKeysOptions {
  return { file: config.ADMIT_SIGNING_KEY_FILE, dataDir: config.ADMIT_DATA_DIR };
}
