// Real: ClientAssertions, jose (ES256 keys made per run) and RevocationSet. Stubbed: the fetcher, which
// serves the client's JWKS from its jwks_uri; the clock is fixed.
import { Revocation } from '@admit/contracts';
import { FetchResponse } from '@admit/metadata';
import { RevocationSet } from '@admit/revocation-set';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AssertionError, ClientAssertions } from './client-assertion';
import { TestingJtis } from './testing-jtis';

const ISSUER = 'https://admit.test';
const CLIENT = 'https://client.example/app.json';
const JWKS_URI = 'https://client.example/jwks.json';
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

describe('a jkt revocation of a key the client serves from its jwks_uri', () => {
  let revoked: Awaited<ReturnType<typeof generateKeyPair>>;
  let other: Awaited<ReturnType<typeof generateKeyPair>>;
  let revokedJkt: string;
  let assertions: ClientAssertions;

  beforeAll(async () => {
    [revoked, other] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    const keys = [{ ...(await exportJWK(revoked.publicKey)), kid: 'old' }, { ...(await exportJWK(other.publicKey)), kid: 'new' }];
    revokedJkt = await calculateJwkThumbprint(keys[0], 'sha256');
    const fetcher = {
      fetch: async (url: string): Promise<FetchResponse> => ({ url, status: 200, headers: {}, body: Buffer.from(JSON.stringify({ keys })), fetchedAt: new Date(NOW) }),
    };
    const revocations = new RevocationSet();
    const revocation: Revocation = { id: 'r1', kind: 'jkt', value: revokedJkt, reason: 'key leaked', actor: 'ops', created_at: new Date(NOW).toISOString() };
    revocations.apply(`jkt:${revokedJkt}`, revocation);
    assertions = new ClientAssertions({ issuer: ISSUER, fetcher, now: () => NOW, jtis: new TestingJtis(), isRevokedKey: (jkt) => revocations.keyRevocation(jkt) !== undefined });
  });

  const sign = (key: Parameters<SignJWT['sign']>[0], kid?: string) =>
    new SignJWT({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: `jti-${Math.random()}`, exp: NOW / 1000 + 60 })
      .setProtectedHeader(kid === undefined ? { alg: 'ES256' } : { alg: 'ES256', kid })
      .sign(key);

  it('refuses an assertion signed with the revoked key with revoked:jkt', async () => {
    await expect(assertions.verify(await sign(revoked.privateKey, 'old'), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({
      ok: false,
      code: AssertionError.KeyRevoked,
      description: 'the assertion is signed with a revoked key',
    });
    expect(AssertionError.KeyRevoked).toBe('revoked:jkt');
  });

  it('refuses it also when the revoked key is the only one and the assertion names no kid', async () => {
    const onlyRevoked = { keys: [await exportJWK(revoked.publicKey)] };
    await expect(assertions.verify(await sign(revoked.privateKey), CLIENT, { jwks: onlyRevoked })).resolves.toMatchObject({ ok: false, code: AssertionError.KeyRevoked });
  });

  it('still accepts the client key that is not revoked', async () => {
    await expect(assertions.verify(await sign(other.privateKey, 'new'), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
  });
});
