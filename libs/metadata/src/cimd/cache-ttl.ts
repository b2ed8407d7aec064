export interface TtlBounds {
  minTtlMs: number;
  maxTtlMs: number;
}

/** Cache-Control directives, lower-cased names; a repeated directive maps to null (conflicting). */
function directives(header: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const pattern = /[\s,]*([^\s=,]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < header.length && (match = pattern.exec(header)) !== null) {
    const name = match[1].toLowerCase();
    const value = (match[2] ?? '').replace(/^"(.*)"$/, '$1');
    out.set(name, out.has(name) ? null : value);
  }
  return out;
}

const seconds = (value: string | null | undefined) => (value && /^\d+$/.test(value) ? Number(value) * 1000 : null);

/**
 * How long a fetched document stays fresh (RFC 9111 §4.2), clamped to the policy bounds.
 * `max-age` wins over `Expires`; `s-maxage` is for shared caches and ignored; `no-store` and
 * `no-cache` mean the minimum, since a document is never served unchecked from a stale entry.
 * Missing, invalid or conflicting values make the response stale, which also means the minimum.
 */
export function cacheTtlMs(headers: Record<string, string>, fetchedAt: Date, bounds: TtlBounds): number {
  const cc = directives(headers['cache-control'] ?? '');
  let lifetime = 0;
  if (cc.has('no-store') || cc.has('no-cache')) {
    lifetime = 0;
  } else if (cc.has('max-age')) {
    lifetime = seconds(cc.get('max-age')) ?? 0;
  } else if (headers.expires !== undefined) {
    const expires = Date.parse(headers.expires);
    const date = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
    // Relative to the server's own Date, so a skewed server clock does not stretch or cut the TTL.
    const base = Number.isNaN(date) ? fetchedAt.getTime() : date;
    lifetime = Number.isNaN(expires) ? 0 : expires - base;
  }
  const age = seconds(headers.age) ?? 0;
  return Math.min(bounds.maxTtlMs, Math.max(bounds.minTtlMs, lifetime - age));
}
