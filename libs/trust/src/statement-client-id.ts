import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/** Versioned domain tag, so these digests can never collide with any other hash Admit makes. */
const DOMAIN = 'admit:statement-client-id:v1';

/**
 * The client_id of a software-statement registration: the same anchor, software_id and body additions
 * always give the same id, so re-registering never piles up clients. A body that adds metadata to the
 * statement (see `bodyAdditions`) gets an id of its own, so a copy of a statement cannot be used to
 * change what the original client looks like. With nothing added, the id depends on the anchor and
 * software_id alone. The JSON array encoding keeps ("a", "bc") and ("ab", "c") apart. The `s_` prefix
 * keeps ids clear of CIMD's `https://`.
 * RFC 8785 canonical JSON spells the parts the same way whatever the order of the body's keys.
 */
export function statementClientId(anchorId: string, softwareId: string, additions: Record<string, unknown> = {}): string {
  const parts: unknown[] = [anchorId, softwareId];
  if (Object.keys(additions).length > 0) parts.push(additions);
  const digest = createHash('sha256').update(DOMAIN).update('\0').update(canonicalize(parts) ?? '').digest('base64url');
  return `s_${digest}`;
}
