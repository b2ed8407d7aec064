// Real: SigningKeys (a key generated in a temporary folder), jose, the claims builder; nothing stubbed.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { allowDecision, testAdmissionTokens } from '../testing/fixtures';

const NOW = new Date('2026-11-28T12:00:00Z');

const decided = allowDecision(
  { source: 'cimd', origin: 'https://app.example', expires_at: '2026-11-28T12:05:00Z' },
  { client_id: 'https://app.example/client.json', determining_policies: ['register-cimd'] },
);

describe('AdmissionTokens', () => {
  const signer = testAdmissionTokens();

  it('signs an admission+jwt that verifies against the published keys until exp, and not after', async () => {
    const token = await signer.tokens.issue(decided, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: signer.keys.kid, typ: 'admission+jwt' });
    const jwks = createLocalJWKSet(signer.keys.publicJwks());
    const options = { issuer: 'https://admit.example', typ: 'admission+jwt', algorithms: ['ES256'] };
    const { payload } = await jwtVerify(token, jwks, { ...options, currentDate: new Date('2026-11-28T12:04:59Z') });
    expect(payload).toMatchObject({ sub: decided.client_id, adm_source: 'cimd', adm_origin: 'https://app.example', exp: Date.parse('2026-11-28T12:05:00Z') / 1000 });
    await expect(jwtVerify(token, jwks, { ...options, currentDate: new Date('2026-11-28T12:05:00Z') })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('gives every token its own jti', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await jwtVerify(await signer.tokens.issue(decided, NOW), createLocalJWKSet(signer.keys.publicJwks()), { currentDate: NOW })).payload.jti));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('signs nothing for an allow without its admission (ERR_ADMISSION_MISSING)', async () => {
    const { admission: _admission, ...withoutAdmission } = decided;
    await expect(signer.tokens.issue(withoutAdmission, NOW)).rejects.toMatchObject({ code: 'ERR_ADMISSION_MISSING' });
  });
});
