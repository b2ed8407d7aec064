// Real: ClientAssertions and jose (ES256 keys made per run). Stubbed: the fetcher, which records the
// URLs it is asked for and serves one JWKS; the clock is a variable.
import { FetchResponse } from '@admit/metadata';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AssertionError, ClientAssertions } from './client-assertion';
import { TestingJtis } from './testing-jtis';

const ISSUER = 'https://admit.test';
const CLIENT = 's_client';

describe('ClientAssertions', () => {
  let now: number;
  let key: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwks: { keys: Record<string, unknown>[] };
  const fetched: string[] = [];
  let assertions: ClientAssertions;
  let fetchFails: boolean;

  beforeAll(async () => {
    key = await generateKeyPair('ES256');
    jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES256' }] };
  });

  beforeEach(() => {
    now = Date.parse('2026-06-01T12:00:00.000Z');
    fetched.length = 0;
    fetchFails = false;
    const fetcher = {
      fetch: async (url: string): Promise<FetchResponse> => {
        fetched.push(url);
        if (fetchFails) throw new Error('connect ECONNREFUSED');
        return { url, status: 200, headers: {}, body: Buffer.from(JSON.stringify(jwks)), fetchedAt: new Date(now) };
      },
    };
    assertions = new ClientAssertions({ issuer: ISSUER, fetcher, now: () => now, jtis: new TestingJtis(3) });
  });

  const sign = (claims: Record<string, unknown> = {}, lifetimeS = 60, header: Record<string, unknown> = {}) =>
    new SignJWT({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: `jti-${Math.random()}`, iat: now / 1000, exp: now / 1000 + lifetimeS, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
      .sign(key.privateKey);

  it('accepts a valid assertion against inline jwks, once', async () => {
    const jwt = await sign({ jti: 'once' });
    await expect(assertions.verify(jwt, CLIENT, { jwks })).resolves.toEqual({ ok: true });
    await expect(assertions.verify(jwt, CLIENT, { jwks })).resolves.toMatchObject({ ok: false, code: AssertionError.Replayed });
    expect(fetched).toEqual([]);
  });

  it('fetches jwks_uri through the fetcher when there are no inline keys', async () => {
    await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: 'https://client.example/jwks' })).resolves.toEqual({ ok: true });
    expect(fetched).toEqual(['https://client.example/jwks']);
  });

  it.each([
    ['another audience', { aud: 'https://other.test' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['another issuer', { iss: 's_other' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['another subject', { sub: 's_other' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['no jti', { jti: undefined }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['expired', { exp: Date.parse('2026-06-01T11:58:00.000Z') / 1000 }, 'ERR_JWT_EXPIRED'],
  ])('refuses %s as ERR_CLIENT_ASSERTION_INVALID', async (_name, claims, joseCode) => {
    const result = await assertions.verify(await sign(claims), CLIENT, { jwks });
    expect(result).toMatchObject({ ok: false, code: AssertionError.Invalid });
    expect(result.ok ? '' : result.description).toContain(joseCode);
  });

  it('refuses an exp more than 5 minutes away', async () => {
    await expect(assertions.verify(await sign({}, 600), CLIENT, { jwks })).resolves.toEqual({
      ok: false,
      code: AssertionError.Invalid,
      description: 'exp is more than 300 s away',
    });
  });

  it('refuses alg none and symmetric algorithms', async () => {
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: 'x', exp: now / 1000 + 60 })).toString('base64url')}.`;
    await expect(assertions.verify(unsigned, CLIENT, { jwks })).resolves.toMatchObject({ ok: false, code: AssertionError.Invalid });
    const hs = await new SignJWT({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: 'hs', exp: now / 1000 + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    await expect(assertions.verify(hs, CLIENT, { jwks })).resolves.toMatchObject({ ok: false, code: AssertionError.Invalid });
  });

  it('refuses when the client has no keys', async () => {
    await expect(assertions.verify(await sign(), CLIENT, {})).resolves.toMatchObject({ ok: false, code: AssertionError.NoKeys });
    await expect(assertions.verify(await sign(), CLIENT, { jwks: 'nope' })).resolves.toMatchObject({ ok: false, code: AssertionError.NoKeys });
  });

  it('keeps each jti until exp + skew; a client over its quota gets ERR_CLIENT_ASSERTION_BUSY until some expire', async () => {
    for (let i = 0; i < 3; i++) await expect(assertions.verify(await sign({ jti: `j${i}` }, 10), CLIENT, { jwks })).resolves.toEqual({ ok: true });
    await expect(assertions.verify(await sign({ jti: 'j3' }, 10), CLIENT, { jwks })).resolves.toEqual({
      ok: false,
      code: AssertionError.Busy,
      description: 'the client holds 3 unexpired assertions; try again when some expire',
    });
    now += 39_000; // within exp + skew: the jtis are still held
    await expect(assertions.verify(await sign({ jti: 'j3' }, 10), CLIENT, { jwks })).resolves.toMatchObject({ code: AssertionError.Busy });
    now += 1_000; // exp + skew: they are spent and make room
    await expect(assertions.verify(await sign({ jti: 'j3' }, 10), CLIENT, { jwks })).resolves.toEqual({ ok: true });
  });

  it('quota exhaustion by forgery: assertions that fail verification spend nothing of the client quota', async () => {
    const forger = await generateKeyPair('ES256');
    for (let i = 0; i < 5; i++) {
      const forged = await new SignJWT({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: `forged-${i}`, exp: now / 1000 + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(forger.privateKey);
      await expect(assertions.verify(forged, CLIENT, { jwks })).resolves.toMatchObject({ ok: false, code: AssertionError.Invalid });
    }
    for (let i = 0; i < 3; i++) await expect(assertions.verify(await sign(), CLIENT, { jwks })).resolves.toEqual({ ok: true });
  });

  describe('jwks_uri, which a metadata document may point at any host', () => {
    const JWKS_URI = 'https://third-party.example/jwks';

    it.each([
      ['garbage', async () => 'not.a.jwt'],
      ['another audience', () => sign({ aud: 'https://other.test' })],
      ['another issuer', () => sign({ iss: 's_other', sub: 's_other' })],
      ['an expired assertion', () => sign({ exp: Date.parse('2026-06-01T11:58:00.000Z') / 1000 })],
      ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: CLIENT, sub: CLIENT, aud: ISSUER, jti: 'x', exp: now / 1000 + 60 })).toString('base64url')}.`],
    ])('fetch amplification: %s is refused as ERR_CLIENT_ASSERTION_INVALID without fetching jwks_uri', async (_name, make) => {
      const result = await assertions.verify(await make(), CLIENT, { jwks_uri: JWKS_URI });
      expect(result).toMatchObject({ ok: false, code: AssertionError.Invalid });
      expect(fetched).toEqual([]);
    });

    it('fetch amplification: a replayed assertion is refused without fetching again', async () => {
      const jwt = await sign({ jti: 'replayed' }, 300);
      await expect(assertions.verify(jwt, CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      now += 5 * 60_000; // past the key cache's TTL, still within the assertion's life + skew
      await expect(assertions.verify(jwt, CLIENT, { jwks_uri: JWKS_URI })).resolves.toMatchObject({ ok: false, code: AssertionError.Replayed });
      expect(fetched).toEqual([JWKS_URI]);
    });

    it('fetch amplification: the key set is fetched once per TTL (5 min), however many checks come', async () => {
      for (let i = 0; i < 3; i++) await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      expect(fetched).toEqual([JWKS_URI]);
      now += 5 * 60_000 - 1;
      await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      expect(fetched).toHaveLength(1);
      now += 1;
      await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      expect(fetched).toEqual([JWKS_URI, JWKS_URI]);
    });

    it('fetch amplification: made-up kids fetch again at most once per cooldown (30 s), and a rotated key is found then', async () => {
      await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      for (let i = 0; i < 10; i++) {
        await expect(assertions.verify(await sign({}, 60, { kid: `made-up-${i}` }), CLIENT, { jwks_uri: JWKS_URI })).resolves.toMatchObject({ ok: false, code: AssertionError.Invalid });
      }
      expect(fetched).toHaveLength(1);
      jwks = { keys: [...jwks.keys, { ...jwks.keys[0], kid: 'k2' }] };
      now += 30_000;
      await expect(assertions.verify(await sign({}, 60, { kid: 'k2' }), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      expect(fetched).toHaveLength(2);
    });

    it('fetch amplification: a failed fetch is remembered for the cooldown, and no expired key set is used after it', async () => {
      fetchFails = true;
      for (let i = 0; i < 5; i++) await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toMatchObject({ ok: false, code: AssertionError.NoKeys });
      expect(fetched).toEqual([JWKS_URI]);
      fetchFails = false;
      now += 30_000;
      await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toEqual({ ok: true });
      now += 5 * 60_000;
      fetchFails = true;
      await expect(assertions.verify(await sign(), CLIENT, { jwks_uri: JWKS_URI })).resolves.toMatchObject({ ok: false, code: AssertionError.NoKeys });
      expect(fetched).toHaveLength(3);
    });
  });
});
