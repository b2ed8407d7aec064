import { RevocationKind } from '@admit/contracts';
import { ApiError } from '@admit/platform';
import { RevocationError } from './revocation-errors';

export interface RevocationRequest {
  kind: RevocationKind;
  value: string;
  reason: string;
  expires_at?: string;
}

const KINDS: readonly RevocationKind[] = ['client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate'];
const FIELDS = new Set(['kind', 'value', 'reason', 'expires_at']);
/** RFC 3339 date-time, with a required offset (`Z` or `±hh:mm`). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** A revocation that would outlive any admission by years is a mistake; lift it explicitly instead. */
const MAX_EXPIRY_MS = 10 * 365 * 24 * 3600 * 1000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What each kind's value must look like, so a revocation matches the way services compare subjects. */
const VALUE_RULES: Record<RevocationKind, { max: number; check?: (v: string) => string | undefined }> = {
  client_id: { max: 2048 },
  // Statements' software_id is at most 255 characters.
  software_id: { max: 255 },
  anchor: { max: 64, check: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? undefined : 'must be a trust anchor id (letters, digits, ".", "_", "-")') },
  jkt: { max: 43, check: (v) => (/^[A-Za-z0-9_-]{43}$/.test(v) ? undefined : 'must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)') },
  origin: { max: 2048, check: originProblem },
  // Compared with the chain's entity ids exactly as the statements spell them.
  intermediate: { max: 2048, check: entityIdProblem },
};

/** Validates a `POST /revocations` body; each problem gets its own stable code. */
export function parseRevocationRequest(body: Record<string, unknown>, now: Date): RevocationRequest {
  const unknown = Object.keys(body).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64)));
    throw new ApiError(400, RevocationError.UnknownField, `unknown field(s) ${names.join(', ')}; allowed: kind, value, reason, expires_at`);
  }
  const { kind, value, reason, expires_at } = body;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    throw new ApiError(400, RevocationError.InvalidKind, `kind must be one of ${KINDS.join(', ')}`);
  }
  const rule = VALUE_RULES[kind as RevocationKind];
  const valueProblem =
    typeof value !== 'string' || value.length === 0
      ? 'must be a non-empty string'
      : value.length > rule.max
        ? `must be at most ${rule.max} characters`
        : CONTROL.test(value) || value.trim() !== value
          ? 'must not contain control characters or surrounding whitespace'
          : rule.check?.(value);
  if (valueProblem) throw new ApiError(400, RevocationError.InvalidValue, `value for kind ${kind} ${valueProblem}`);
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 2048 || CONTROL.test(reason.replace(/[\n\t]/g, ''))) {
    throw new ApiError(400, RevocationError.InvalidReason, 'reason must be a non-empty string of at most 2048 characters, without control characters');
  }
  const request: RevocationRequest = { kind: kind as RevocationKind, value: value as string, reason };
  if (expires_at !== undefined) request.expires_at = parseExpiry(expires_at, now);
  return request;
}

function parseExpiry(value: unknown, now: Date): string {
  const fail = (why: string): never => {
    throw new ApiError(400, RevocationError.InvalidExpiresAt, `expires_at ${why}`);
  };
  if (typeof value !== 'string') return fail('must be an RFC 3339 date-time string');
  const m = RFC3339.exec(value);
  if (!m) return fail('must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T00:00:00Z');
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  // Date.parse would roll 2026-02-30 over to March; a date that does not exist is refused.
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return fail('is not a valid date and time');
  const at = Date.parse(value.toUpperCase());
  if (Number.isNaN(at)) return fail('is not a valid date and time');
  if (at <= now.getTime()) return fail('is not in the future');
  if (at - now.getTime() > MAX_EXPIRY_MS) return fail('is more than 10 years away; omit it for a revocation without end');
  // One spelling on the topic and in the database: UTC, milliseconds.
  return new Date(at).toISOString();
}

/** A metadata document's origin (`https://host[:port]`, as URL#origin spells it) or just its host. */
function originProblem(value: string): string | undefined {
  if (value.includes('://')) {
    if (!URL.canParse(value)) return 'must be an origin like https://client.example';
    const url = new URL(value);
    if (url.protocol !== 'https:') return 'must use https';
    return url.origin === value ? undefined : `must be the origin alone, spelt ${url.origin}`;
  }
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/.test(value)
    ? undefined
    : 'must be a lower-case host name (optionally :port) or an https origin';
}

/** An OpenID Federation Entity Identifier: an https URL without query, fragment or userinfo. */
function entityIdProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an OpenID Federation entity identifier like https://intermediate.example';
  const url = new URL(value);
  if (url.protocol !== 'https:') return 'must use https';
  return url.search || url.hash || url.username || url.password ? 'must not contain a query, fragment or userinfo' : undefined;
}
