import { createHash, randomBytes } from 'node:crypto';
import { AdminScope } from './admin-scope';

/** An admin credential's name: it is the `actor` of everything done with the credential. */
export const ADMIN_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';

/** The hex SHA-256 of a presented token: all a tokens file stores, and all that is compared. */
export function hashAdminToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random bearer token (256 bits), shown once to whoever creates it. */
export function newAdminToken(): string {
  return `admit_${randomBytes(32).toString('base64url')}`;
}

/** One entry of a tokens file, ready to be written as YAML. */
export interface AdminTokenEntry {
  name: string;
  sha256: string;
  scopes: AdminScope[];
}

/** The YAML lines of one `tokens:` entry, for a person to paste into the file. */
export function adminTokenEntryYaml(entry: AdminTokenEntry): string {
  return [`  - name: ${entry.name}`, `    sha256: ${entry.sha256}`, `    scopes: [${entry.scopes.join(', ')}]`].join('\n');
}
