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
