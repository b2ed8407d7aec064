import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { verifySvid, SvidRules } from './jwt-svid';
import { WorkloadError } from './workload-error';

const AUDIENCE = 'https://admit.test';
const NOW = 1_800_000_000;

describe('JWT-SVIDs as proofs', () => {
  let sign: (claims: Record<string, unknown>, key?: 'bundle' | 'other') => Promise<string>;
  let rules: SvidRules;

  beforeAll(async () => {
    const bundleKey = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwk: JWK = { ...(await exportJWK(bundleKey.publicKey)), kid: 'svid-1', use: 'jwt-svid', alg: 'ES256' };
    rules = { trustDomain: 'prod.example', bundle: { keys: [jwk] }, audience: AUDIENCE, maxLifetimeS: 3600, nowS: NOW, skewS: 30 };
    sign = (claims, key = 'bundle') =>
      new SignJWT({ aud: AUDIENCE, exp: NOW + 300, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'svid-1', typ: 'JWT' }).sign((key === 'bundle' ? bundleKey : other).privateKey);
  });

  const codeOf = async (jwt: string) => verifySvid(jwt, rules).then(() => 'verified', (err: unknown) => (err instanceof WorkloadError ? err.code : String(err)));

  it('verifies an SVID of the trust domain for Admit, and again (SVIDs are reused, no jti)', async () => {
    const svid = await sign({ sub: 'spiffe://prod.example/ns/payments/api' });
    const first = await verifySvid(svid, rules);
    expect(first).toEqual({ spiffeId: { id: 'spiffe://prod.example/ns/payments/api', trustDomain: 'prod.example', segments: ['ns', 'payments', 'api'] }, exp: NOW + 300 });
    expect(await verifySvid(svid, rules)).toEqual(first);
  });

  it('refuses, each with its exact reason', async () => {
    expect(await codeOf(await sign({ sub: 'spiffe://staging.example/ns/payments/api' }))).toBe('ERR_SVID_TRUST_DOMAIN');
    expect(await codeOf(await sign({ sub: 'https://prod.example/ns/payments/api' }))).toBe('ERR_SPIFFE_ID');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/../api' }))).toBe('ERR_SPIFFE_ID');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/a', aud: 'https://other.example' }))).toBe('ERR_SVID_AUDIENCE');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/a', exp: NOW - 60 }))).toBe('ERR_SVID_EXPIRED');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/a', exp: NOW + 7200 }))).toBe('ERR_SVID_LIFETIME');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/a' }, 'other'))).toBe('ERR_SVID_SIGNATURE');
    expect(await codeOf(await sign({ sub: 'spiffe://prod.example/ns/a', aud: undefined }))).toBe('ERR_SVID_INVALID');
    expect(await codeOf('not.a.jwt')).toBe('ERR_SVID_INVALID');
  });
});
