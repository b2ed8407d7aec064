// Real: SigningKeys (a key generated in a temporary folder), jose, the claims builder; nothing stubbed.
import { RegistrationDecided } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionTokens } from './admission-tokens';

const NOW = new Date('2026-11-28T12:00:00Z');

const decided: RegistrationDecided = {
  client_id: 'https://app.example/client.json',
  decision: 'allow',
  policy_version: `sha256:${'2'.repeat(64)}`,
  determining_policies: ['register-cimd'],
  reasons: [],
  metadata: { redirect_uris: ['https://app.example/cb'] },
  admission: {
    source: 'cimd',
    origin: 'https://app.example',
    jkts: [],
    evidence_sha256: 'cd'.repeat(32),
    validated_at: '2026-11-28T11:59:59Z',
    expires_at: '2026-11-28T12:05:00Z',
    flags: [],
  },
  decided_at: '2026-11-28T12:00:00Z',
};

describe('AdmissionTokens', () => {
  let dir: string;
  let keys: SigningKeys;
  let tokens: AdmissionTokens;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-tokens-'));
    keys = await SigningKeys.load({ dataDir: dir });
    tokens = new AdmissionTokens(keys, { issuer: 'https://admit.example' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs an admission+jwt that verifies against the published keys until exp, and not after', async () => {
    const token = await tokens.issue(decided, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: keys.kid, typ: 'admission+jwt' });
    const jwks = createLocalJWKSet(keys.publicJwks());
    const options = { issuer: 'https://admit.example', typ: 'admission+jwt', algorithms: ['ES256'] };
    const { payload } = await jwtVerify(token, jwks, { ...options, currentDate: new Date('2026-11-28T12:04:59Z') });
    expect(payload).toMatchObject({ sub: decided.client_id, adm_source: 'cimd', adm_origin: 'https://app.example', exp: Date.parse('2026-11-28T12:05:00Z') / 1000 });
    await expect(jwtVerify(token, jwks, { ...options, currentDate: new Date('2026-11-28T12:05:00Z') })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('gives every token its own jti', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await jwtVerify(await tokens.issue(decided, NOW), createLocalJWKSet(keys.publicJwks()), { currentDate: NOW })).payload.jti));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('signs nothing for an allow without its admission (ERR_ADMISSION_MISSING)', async () => {
    const { admission: _admission, ...withoutAdmission } = decided;
    await expect(tokens.issue(withoutAdmission, NOW)).rejects.toMatchObject({ code: 'ERR_ADMISSION_MISSING' });
  });
});
