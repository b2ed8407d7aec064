import { parsedJson } from '@admit/contracts';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';

/** Where a page ended (the sort key of its last row) and a digest of the query it belongs to. */
interface CursorBody {
  v: 1;
  k: (string | number)[];
  q: string;
}

const MAX_CURSOR = 2048;

/**
 * An opaque cursor: base64url JSON of the last row's sort key and a digest of the query (route and
 * filters), so a cursor is refused when used with other filters instead of silently skipping rows.
 * Not secret and not signed: all it can do is start a page the caller was allowed to read anyway.
 */
export function encodeCursor(key: (string | number)[], query: unknown): string {
  const body: CursorBody = { v: 1, k: key, q: queryDigest(query) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The sort key a cursor carries; throws ERR_AUDIT_CURSOR_INVALID for anything else, or a cursor of another query. */
export function decodeCursor(cursor: string, query: unknown, width: number): (string | number)[] {
  const invalid = (why: string) => new AuditError(AuditErrorCode.CursorInvalid, `the cursor is not valid: ${why}`);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not a cursor this API issued');
  const body = parsedJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (body === undefined) throw invalid('not a cursor this API issued');
  const b = body as Partial<CursorBody> | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    b.v !== 1 ||
    !Array.isArray(b.k) ||
    b.k.length !== width ||
    !b.k.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isSafeInteger(x))) ||
    typeof b.q !== 'string'
  ) {
    throw invalid('not a cursor this API issued');
  }
  if (b.q !== queryDigest(query)) throw invalid('it belongs to a query with other filters');
  return b.k;
}

function queryDigest(query: unknown): string {
  return createHash('sha256')
    .update(canonicalize(query) ?? '')
    .digest('base64url')
    .slice(0, 22);
}
