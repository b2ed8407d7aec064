import { CHECKPOINT_KEY_FILE_VAR, GENERATED_CHECKPOINT_KEY_FILE } from '@admit/audit';
import { GENERATED_KEY_FILE, SigningKeys } from '@admit/keys';
import { join } from 'node:path';

/**
 * Local runs only (`npm run stack`, tests, bench): the distributed intake requires
 * ADMIT_SIGNING_KEY_FILE, so when none is set the launcher hands it the key embedded mode keeps in
 * ./.admit (generated on first use). Deployments supply their own file.
 */
export async function devSigningKeyFile(): Promise<string> {
  const dataDir = join(__dirname, '..', '..', '.admit');
  await SigningKeys.load({ dataDir });
  return join(dataDir, GENERATED_KEY_FILE);
}

/** Likewise the audit service's checkpoint key, a key of its own in ./.admit (as embedded mode keeps it). */
export async function devCheckpointKeyFile(): Promise<string> {
  const dataDir = join(__dirname, '..', '..', '.admit');
  await SigningKeys.load({ dataDir, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
  return join(dataDir, GENERATED_CHECKPOINT_KEY_FILE);
}
