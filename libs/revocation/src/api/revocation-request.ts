import { parsedUrl, RequestError, RevocationError, RevocationKind, RevocationRequest } from '@admit/contracts';
import { parseSpiffeId, WorkloadError } from '@admit/workload';

/** A revocation that would outlive any admission by years is a mistake; lift it explicitly instead. */
const MAX_EXPIRY_MS = 10 * 365 * 24 * 3600 * 1000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What each kind's value must look like, so a revocation matches the way services compare subjects. */
const VALUE_RULES: Record<RevocationKind, { max: number; check?: (v: string) => string | undefined }> = {
  client_id: { max: 2048 },
  // Statements' software_id is at most 255 characters.
  software_id: { max: 255 },
  anchor: { max: 64, check: (v) => anchorIdProblem(v, 'a trust anchor id') },
  // A `type: client_attester` anchor's id, as the anchors file spells it.
  attester: { max: 64, check: (v) => anchorIdProblem(v, 'a client attester id') },
  jkt: { max: 43, check: (v) => (/^[A-Za-z0-9_-]{43}$/.test(v) ? undefined : 'must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)') },
  origin: { max: 2048, check: originProblem },
  // Compared with the chain's entity ids exactly as the statements spell them.
  intermediate: { max: 2048, check: entityIdProblem },
  // Compared with the workloads' SPIFFE IDs as they are spelt (canonical: the SPIFFE ID spec allows one spelling).
  trust_domain: { max: 255, check: (v) => (v.includes('/') ? 'must be a SPIFFE trust domain like prod.example (no scheme or path)' : spiffeProblem(`spiffe://${v}`, 0)) },
  spiffe_prefix: { max: 2048, check: (v) => spiffeProblem(v, 1) },
};

/**
 * What the request schema (RevocationRequest, checked before the controller runs) cannot say: each
 * kind's value, a reason with text in it, an expiry that exists and is in the future. Each problem
 * gets its own stable code; `expires_at` comes back in one spelling (UTC, milliseconds).
 */
export function checkRevocationRequest(request: RevocationRequest, now: Date): RevocationRequest {
  const { kind, value, reason, expires_at } = request;
  const rule = VALUE_RULES[kind];
  const valueProblem =
    value.length > rule.max
      ? `must be at most ${rule.max} characters`
      : CONTROL.test(value) || value.trim() !== value
        ? 'must not contain control characters or surrounding whitespace'
        : rule.check?.(value);
  if (valueProblem) throw new RequestError(RevocationError.InvalidValue, `value for kind ${kind} ${valueProblem}`);
  if (reason.trim().length === 0 || CONTROL.test(reason.replace(/[\n\t]/g, ''))) {
    throw new RequestError(RevocationError.InvalidReason, 'reason must be a non-empty string of at most 2048 characters, without control characters');
  }
  return { kind, value, reason, ...(expires_at === undefined ? {} : { expires_at: checkExpiry(expires_at, now) }) };
}

/** An RFC 3339 date-time with an offset (the schema's `date-time`), checked for meaning. */
function checkExpiry(value: string, now: Date): string {
  const fail = (why: string): never => {
    throw new RequestError(RevocationError.InvalidExpiresAt, `expires_at ${why}`);
  };
  const [y, mo, d, h, mi, s] = [0, 5, 8, 11, 14, 17].map((at) => Number(value.slice(at, at === 0 ? 4 : at + 2)));
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
    const url = parsedUrl(value);
    if (!url) return 'must be an origin like https://client.example';
    if (url.protocol !== 'https:') return 'must use https';
    return url.origin === value ? undefined : `must be the origin alone, spelt ${url.origin}`;
  }
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/.test(value)
    ? undefined
    : 'must be a lower-case host name (optionally :port) or an https origin';
}

/** An OpenID Federation Entity Identifier: an https URL without query, fragment or userinfo. */
function entityIdProblem(value: string): string | undefined {
  const url = parsedUrl(value);
  if (!url) return 'must be an OpenID Federation entity identifier like https://intermediate.example';
  if (url.protocol !== 'https:') return 'must use https';
  return url.search || url.hash || url.username || url.password ? 'must not contain a query, fragment or userinfo' : undefined;
}

/**
 * A SPIFFE ID with at least `minSegments` path segments; a trust domain is checked as the bare ID
 * `spiffe://<domain>`. A prefix names whole segments: no trailing slash.
 */
function spiffeProblem(value: string, minSegments: number): string | undefined {
  try {
    const id = parseSpiffeId(value);
    if (id.segments.length < minSegments) return 'must name a path below the trust domain, like spiffe://prod.example/ns/payments (revoke a whole domain with kind trust_domain)';
    return undefined;
  } catch (err) {
    const why = err instanceof WorkloadError ? err.message.replace(/^.* is not a SPIFFE ID: /, '') : 'is not a SPIFFE ID';
    return minSegments === 0 ? `must be a SPIFFE trust domain like prod.example (${why})` : `must be a SPIFFE ID prefix like spiffe://prod.example/ns/payments (${why})`;
  }
}

/** An anchor id of the anchors file: what `anchor` and `attester` revocations name. */
function anchorIdProblem(value: string, what: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? undefined : `must be ${what} (letters, digits, ".", "_", "-")`;
}
