import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_SCOPES } from './admin-scope';
import { adminTokenEntryYaml, hashAdminToken, newAdminToken } from './admin-token';

export const DEV_ADMIN_NAME = 'development-admin';

export interface DevAdminToken {
  /** The tokens file (hashes only) to load. */
  tokensFile: string;
  /** Where the token itself is, readable by its owner only. */
  tokenFile: string;
  /** False when an earlier start had already created them. */
  created: boolean;
}

/**
 * Embedded mode without ADMIT_ADMIN_TOKENS_FILE: a development token with every scope, created on
 * the first start in the data folder (the token in `admin-token`, mode 0600; only its hash in
 * `admin-tokens.yaml`) and kept across restarts. The caller logs the path, never the token.
 */
export function ensureDevAdminToken(dataDir: string): DevAdminToken {
  const tokensFile = join(dataDir, 'admin-tokens.yaml');
  const tokenFile = join(dataDir, 'admin-token');
  if (existsSync(tokensFile)) return { tokensFile, tokenFile, created: false };
  mkdirSync(dataDir, { recursive: true });
  const token = newAdminToken();
  // The token first: a crash between the two writes leaves no tokens file, so the next start makes both again.
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const entry = adminTokenEntryYaml({ name: DEV_ADMIN_NAME, sha256: hashAdminToken(token), scopes: [...ADMIN_SCOPES] });
  writeFileSync(tokensFile, `# Created by Admit's first embedded start; the token is in ./admin-token.\ntokens:\n${entry}\n`, { mode: 0o600 });
  return { tokensFile, tokenFile, created: true };
}
