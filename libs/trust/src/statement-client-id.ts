import { createHash } from 'node:crypto';

/** Versioned domain tag, so these digests can never collide with any other hash Admit makes. */
const DOMAIN = 'admit:statement-client-id:v1';

/**
 * The client_id of a software-statement registration: the same anchor and software_id always give
 * the same id, so re-registering never piles up clients. The JSON array encoding keeps
 * ("a", "bc") and ("ab", "c") apart. The `s_` prefix keeps ids clear of CIMD's `https://`.
 */
export function statementClientId(anchorId: string, softwareId: string): string {
  const digest = createHash('sha256').update(DOMAIN).update('\0').update(JSON.stringify([anchorId, softwareId])).digest('base64url');
  return `s_${digest}`;
}
