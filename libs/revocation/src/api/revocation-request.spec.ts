// Real: the checks and ApiError. Time is fixed by passing `now`. What the request schema refuses
// (types, unknown members, kinds, lengths, the date-time shape) is in libs/platform's request-schemas.spec.ts.
import { RevocationRequest } from '@admit/contracts';
import { ApiError } from '@admit/platform';
import { checkRevocationRequest } from './revocation-request';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

function code(body: RevocationRequest): { code: string; description: string } {
  try {
    checkRevocationRequest(body, NOW);
  } catch (err) {
    if (err instanceof ApiError) {
      const response = err.getResponse() as { error: string; error_description: string };
      expect(err.getStatus()).toBe(400);
      return { code: response.error, description: response.error_description };
    }
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
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
    [{ ...base, value: ' padded' }, 'invalid_value', /surrounding whitespace/],
    [{ ...base, value: 'a\u0000b' }, 'invalid_value', /control characters/],
    [{ ...base, kind: 'software_id', value: 's'.repeat(256) }, 'invalid_value', /at most 255/],
    [{ ...base, kind: 'anchor', value: 'acme directory' }, 'invalid_value', /trust anchor id/],
    [{ ...base, kind: 'attester', value: 'https://agents.platform.example' }, 'invalid_value', /must be a client attester id/],
    [{ ...base, kind: 'jkt', value: JKT.slice(1) }, 'invalid_value', /at most|thumbprint/],
    [{ ...base, kind: 'jkt', value: `${JKT.slice(1)}=` }, 'invalid_value', /thumbprint/],
    [{ ...base, kind: 'origin', value: 'https://app.example/' }, 'invalid_value', /spelt https:\/\/app.example/],
    [{ ...base, kind: 'origin', value: 'http://app.example' }, 'invalid_value', /https/],
    [{ ...base, kind: 'origin', value: 'App.Example' }, 'invalid_value', /lower-case host/],
    [{ ...base, kind: 'intermediate', value: 'http://intermediate.fed.example' }, 'invalid_value', /must use https/],
    [{ ...base, kind: 'intermediate', value: 'https://intermediate.fed.example/?x=1' }, 'invalid_value', /query, fragment or userinfo/],
    [{ ...base, kind: 'intermediate', value: 'intermediate.fed.example' }, 'invalid_value', /entity identifier/],
    [{ ...base, kind: 'trust_domain', value: 'Prod.Example' }, 'invalid_value', /must be a SPIFFE trust domain like prod.example \(the trust domain must be lowercase/],
    [{ ...base, kind: 'trust_domain', value: 'prod.example/ns' }, 'invalid_value', /must be a SPIFFE trust domain/],
    [{ ...base, kind: 'spiffe_prefix', value: 'spiffe://prod.example' }, 'invalid_value', /must name a path below the trust domain/],
    [{ ...base, kind: 'spiffe_prefix', value: 'spiffe://prod.example/ns/payments/' }, 'invalid_value', /SPIFFE ID prefix like spiffe:\/\/prod.example\/ns\/payments \(a path segment is empty/],
    [{ ...base, kind: 'spiffe_prefix', value: 'https://prod.example/ns' }, 'invalid_value', /the scheme is not spiffe/],
    [{ ...base, reason: '   ' }, 'invalid_reason', /non-empty/],
    [{ ...base, reason: 'bell\u0007' }, 'invalid_reason', /control/],
    [{ ...base, expires_at: '2026-11-28T11:59:59Z' }, 'invalid_expires_at', /not in the future/],
    [{ ...base, expires_at: NOW.toISOString() }, 'invalid_expires_at', /not in the future/],
    [{ ...base, expires_at: '2027-02-30T00:00:00Z' }, 'invalid_expires_at', /not a valid date/],
    [{ ...base, expires_at: '2027-01-01T24:00:00Z' }, 'invalid_expires_at', /not a valid date/],
    [{ ...base, expires_at: '2046-11-28T12:00:00Z' }, 'invalid_expires_at', /10 years/],
  ])('refuses %j with %s', (body, expected, description) => {
    const got = code(body as RevocationRequest);
    expect(got.code).toBe(expected);
    expect(got.description).toMatch(description);
  });
});
