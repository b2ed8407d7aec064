// Real: everything (admissionClaims is pure); nothing stubbed. Time is passed in.
import { Admission, RegistrationDecided } from '@admit/contracts';
import { thrownBy } from '@admit/contracts/testing';
import { allowDecision, EVIDENCE } from '../testing/fixtures';
import { admissionClaims } from './admission-claims';
import { AdmissionTokenError } from './admission-token-error';

const NOW = new Date('2026-11-28T12:00:00.400Z');
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const decided = (admission: Partial<Admission> | undefined, extra: Partial<RegistrationDecided> = {}) =>
  allowDecision(admission ? { jkts: [JKT], expires_at: '2026-11-28T12:15:00.900Z', ...admission } : null, extra);

const context = { issuer: 'https://admit.example', now: NOW, jti: 'jti-1' };

describe('admissionClaims', () => {
  it('carries every claim of an anchor-signed admission, exp rounded down to the admission end', () => {
    expect(admissionClaims(decided({ anchor: 'directory', software_id: 'acme-cli' }), context)).toStrictEqual({
      iss: 'https://admit.example',
      sub: 's_abc',
      iat: Math.floor(NOW.getTime() / 1000),
      exp: Math.floor(Date.parse('2026-11-28T12:15:00Z') / 1000),
      jti: 'jti-1',
      adm_policy: `sha256:${'3'.repeat(64)}`,
      adm_source: 'software_statement',
      adm_anchor: 'directory',
      adm_software_id: 'acme-cli',
      adm_evidence_sha256: EVIDENCE,
      adm_jkts: [JKT],
    });
  });

  it('leaves out what the admission does not have, and keeps an empty jkts list', () => {
    const claims = admissionClaims(decided({ source: 'cimd', origin: 'https://app.example', jkts: [] }), context);
    expect(claims).toMatchObject({ adm_source: 'cimd', adm_origin: 'https://app.example', adm_jkts: [] });
    expect(claims).not.toHaveProperty('adm_anchor');
    expect(claims).not.toHaveProperty('adm_software_id');
  });

  it('copies the thumbprints, so later changes to the event do not reach the claims', () => {
    const event = decided({});
    const claims = admissionClaims(event, context);
    event.admission?.jkts.push('x'.repeat(43));
    expect(claims.adm_jkts).toEqual([JKT]);
  });

  it.each([
    ['a deny (ERR_ADMISSION_NOT_ALLOWED), even one that carries an admission', decided({}, { decision: 'deny' }), 'ERR_ADMISSION_NOT_ALLOWED', 's_abc was denied; a denied client gets no token'],
    ['an allow without its admission (ERR_ADMISSION_MISSING)', decided(undefined), 'ERR_ADMISSION_MISSING', 'the allow decision for s_abc carries no admission'],
  ])('refuses %s', (_case, event, code, message) => {
    const err = thrownBy(AdmissionTokenError, () => admissionClaims(event, context));
    expect({ code: err.code, message: err.message }).toEqual({ code, message });
  });

  it.each([
    ['ended before now', '2026-11-28T11:00:00.000Z'],
    ['ending within the current second', '2026-11-28T12:00:00.900Z'],
    ['not a date', 'soon'],
  ])('refuses an admission %s (ERR_ADMISSION_EXPIRED)', (_case, expiresAt) => {
    const err = thrownBy(AdmissionTokenError, () => admissionClaims(decided({ expires_at: expiresAt }), context));
    expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_ADMISSION_EXPIRED', message: `the admission of s_abc ended at ${expiresAt}` });
  });

  it('accepts an admission ending in the next second', () => {
    expect(admissionClaims(decided({ expires_at: '2026-11-28T12:00:01.000Z' }), context).exp).toBe(Math.floor(NOW.getTime() / 1000) + 1);
  });
});
