// Real: the checks, RequestError and the HTTP answer it gets. Time is fixed by passing `now`. What the request schema refuses
// (types, unknown members, kinds, lengths, the date-time shape) is in libs/platform's request-schemas.spec.ts.
import { RequestError, RevocationRequest } from '@admit/contracts';
import { thrownBy } from '@admit/contracts/testing';
import { errorAnswer } from '@admit/platform';
import { checkRevocationRequest } from './revocation-request';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

function code(body: RevocationRequest): { code: string; description: string } {
  const err = thrownBy(RequestError, () => checkRevocationRequest(body, NOW));
  const response = errorAnswer(err).body as { error: string; error_description: string };
  expect(errorAnswer(err).status).toBe(400);
  return { code: response.error, description: response.error_description };
}

const base: RevocationRequest = { kind: 'client_id', value: 'https://app.example/client', reason: 'compromised' };

describe('checkRevocationRequest', () => {
  it.each<[RevocationRequest]>([
    [{ ...base }],
    [{ kind: 'software_id', value: 'acme-agent', reason: 'r' }],
    [{ kind: 'anchor', value: 'acme-directory', reason: 'r' }],
    [{ kind: 'jkt', value: JKT, reason: 'r' }],
    [{ kind: 'origin', value: 'https://app.example', reason: 'r' }],
    [{ kind: 'origin', value: 'app.example:8443', reason: 'multi\nline\treason' }],
    [{ kind: 'intermediate', value: 'https://intermediate.fed.example/org', reason: 'r' }],
    [{ kind: 'trust_domain', value: 'prod.example', reason: 'r' }],
    [{ kind: 'spiffe_prefix', value: 'spiffe://prod.example/ns/payments', reason: 'r' }],
    [{ kind: 'attester', value: 'agent-platform', reason: 'r' }],
  ])('accepts %j', (body) => {
    expect(checkRevocationRequest(body, NOW)).toEqual(body);
  });

  it('normalises expires_at to UTC with milliseconds', () => {
    expect(checkRevocationRequest({ ...base, expires_at: '2026-11-28T14:30:00+02:00' }, NOW).expires_at).toBe('2026-11-28T12:30:00.000Z');
    expect(checkRevocationRequest({ ...base, expires_at: '2026-12-01t00:00:00.5z' }, NOW).expires_at).toBe('2026-12-01T00:00:00.500Z');
  });

  it.each([
    [{ ...base, value: ' padded' }, 'ERR_REVOCATION_VALUE_INVALID', /surrounding whitespace/],
    [{ ...base, value: 'a\u0000b' }, 'ERR_REVOCATION_VALUE_INVALID', /control characters/],
    [{ ...base, kind: 'software_id', value: 's'.repeat(256) }, 'ERR_REVOCATION_VALUE_INVALID', /at most 255/],
    [{ ...base, kind: 'anchor', value: 'acme directory' }, 'ERR_REVOCATION_VALUE_INVALID', /trust anchor id/],
    [{ ...base, kind: 'attester', value: 'https://agents.platform.example' }, 'ERR_REVOCATION_VALUE_INVALID', /must be a client attester id/],
    [{ ...base, kind: 'jkt', value: JKT.slice(1) }, 'ERR_REVOCATION_VALUE_INVALID', /at most|thumbprint/],
    [{ ...base, kind: 'jkt', value: `${JKT.slice(1)}=` }, 'ERR_REVOCATION_VALUE_INVALID', /thumbprint/],
    [{ ...base, kind: 'origin', value: 'https://app.example/' }, 'ERR_REVOCATION_VALUE_INVALID', /spelt https:\/\/app.example/],
    [{ ...base, kind: 'origin', value: 'http://app.example' }, 'ERR_REVOCATION_VALUE_INVALID', /https/],
    [{ ...base, kind: 'origin', value: 'App.Example' }, 'ERR_REVOCATION_VALUE_INVALID', /lower-case host/],
    [{ ...base, kind: 'intermediate', value: 'http://intermediate.fed.example' }, 'ERR_REVOCATION_VALUE_INVALID', /must use https/],
    [{ ...base, kind: 'intermediate', value: 'https://intermediate.fed.example/?x=1' }, 'ERR_REVOCATION_VALUE_INVALID', /query, fragment or userinfo/],
    [{ ...base, kind: 'intermediate', value: 'intermediate.fed.example' }, 'ERR_REVOCATION_VALUE_INVALID', /entity identifier/],
    [{ ...base, kind: 'trust_domain', value: 'Prod.Example' }, 'ERR_REVOCATION_VALUE_INVALID', /must be a SPIFFE trust domain like prod.example \(the trust domain must be lowercase/],
    [{ ...base, kind: 'trust_domain', value: 'prod.example/ns' }, 'ERR_REVOCATION_VALUE_INVALID', /must be a SPIFFE trust domain/],
    [{ ...base, kind: 'spiffe_prefix', value: 'spiffe://prod.example' }, 'ERR_REVOCATION_VALUE_INVALID', /must name a path below the trust domain/],
    [{ ...base, kind: 'spiffe_prefix', value: 'spiffe://prod.example/ns/payments/' }, 'ERR_REVOCATION_VALUE_INVALID', /SPIFFE ID prefix like spiffe:\/\/prod.example\/ns\/payments \(a path segment is empty/],
    [{ ...base, kind: 'spiffe_prefix', value: 'https://prod.example/ns' }, 'ERR_REVOCATION_VALUE_INVALID', /the scheme is not spiffe/],
    [{ ...base, reason: '   ' }, 'ERR_REVOCATION_REASON_INVALID', /non-empty/],
    [{ ...base, reason: 'bell\u0007' }, 'ERR_REVOCATION_REASON_INVALID', /control/],
    [{ ...base, expires_at: '2026-11-28T11:59:59Z' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', /not in the future/],
    [{ ...base, expires_at: NOW.toISOString() }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', /not in the future/],
    [{ ...base, expires_at: '2027-02-30T00:00:00Z' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', /not a valid date/],
    [{ ...base, expires_at: '2027-01-01T24:00:00Z' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', /not a valid date/],
    [{ ...base, expires_at: '2046-11-28T12:00:00Z' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID', /10 years/],
  ])('refuses %j with %s', (body, expected, description) => {
    const got = code(body as RevocationRequest);
    expect(got.code).toBe(expected);
    expect(got.description).toMatch(description);
  });
});
