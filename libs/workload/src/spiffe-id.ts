import { WorkloadError, WorkloadErrorCode as Code } from './workload-error';

export interface SpiffeId {
  /** `spiffe://<trust domain><path>`, exactly as given (it is already canonical). */
  id: string;
  trustDomain: string;
  /** The path's segments, in order; empty for the trust domain itself. */
  segments: string[];
}

const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_LENGTH = 2048;

/**
 * Parses a SPIFFE ID under the SPIFFE ID spec: scheme `spiffe`, a lowercase trust domain of
 * `[a-z0-9._-]` (no port, no userinfo), a path of non-empty segments of `[A-Za-z0-9._-]` that are
 * neither `.` nor `..`, no trailing slash, and no percent-encoding, query or fragment.
 */
export function parseSpiffeId(value: unknown): SpiffeId {
  const refuse = (why: string) => new WorkloadError(Code.SpiffeId, `${JSON.stringify(String(value).slice(0, 256))} is not a SPIFFE ID: ${why}`);
  if (typeof value !== 'string' || value.length === 0) throw refuse('not a string');
  if (Buffer.byteLength(value) > MAX_LENGTH) throw refuse(`longer than ${MAX_LENGTH} bytes`);
  if (!value.startsWith('spiffe://')) throw refuse('the scheme is not spiffe (lowercase)');
  const rest = value.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  if (trustDomain.length === 0 || trustDomain.length > 255 || !TRUST_DOMAIN.test(trustDomain)) throw refuse('the trust domain must be lowercase letters, digits, dots, dashes and underscores');
  if (slash === -1) return { id: value, trustDomain, segments: [] };
  const segments = rest.slice(slash + 1).split('/');
  for (const segment of segments) {
    if (segment.length === 0) throw refuse('a path segment is empty (a double or trailing slash)');
    if (segment === '.' || segment === '..') throw refuse('a path segment is . or ..');
    if (!SEGMENT.test(segment)) throw refuse('a path segment holds a character outside [A-Za-z0-9._-] (percent-encoding, a query or a fragment)');
  }
  return { id: value, trustDomain, segments };
}

/** Whether `segments` start with `prefix`, compared whole segment by whole segment: `ns/payments` is not a prefix of `ns/payments2`. */
export function startsWithSegments(segments: string[], prefix: string[]): boolean {
  return prefix.length <= segments.length && prefix.every((segment, i) => segments[i] === segment);
}

/** A prefix such as `ns/payments/` or `/ns/payments` as segments; an empty prefix matches every path. */
export function prefixSegments(prefix: string): string[] {
  return prefix.split('/').filter((s) => s.length > 0);
}
