import { CHECKPOINT_KEY_FILE_VAR, GENERATED_CHECKPOINT_KEY_FILE, GENERATED_SESSION_KEY_FILE, loadConsoleSessionKey } from '@admit/audit';
import { GENERATED_KEY_FILE, SigningKeys } from '@admit/keys';
import { join } from 'node:path';

const DEV_DATA_DIR = join(__dirname, '..', '..', '.admit');

/**
 * Local runs only (`npm run stack`, tests, bench): the distributed intake requires
 * ADMIT_SIGNING_KEY_FILE, so when none is set the launcher hands it the key embedded mode keeps in
 * ./.admit (generated on first use). Deployments supply their own file.
 */
export async function devSigningKeyFile(): Promise<string> {
  await SigningKeys.load({ dataDir: DEV_DATA_DIR });
  return join(DEV_DATA_DIR, GENERATED_KEY_FILE);
}

/** Likewise the audit service's checkpoint key, a key of its own in ./.admit (as embedded mode keeps it). */
export async function devCheckpointKeyFile(): Promise<string> {
  await SigningKeys.load({ dataDir: DEV_DATA_DIR, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
  return join(DEV_DATA_DIR, GENERATED_CHECKPOINT_KEY_FILE);
}

/** And the auditor console's session key, the one embedded mode generates in ./.admit. */
export function devConsoleSessionKeyFile(): string {
  loadConsoleSessionKey({ dataDir: DEV_DATA_DIR });
  return join(DEV_DATA_DIR, GENERATED_SESSION_KEY_FILE);
}
