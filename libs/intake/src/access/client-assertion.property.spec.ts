// Real: ClientAssertions, jose verification and node:crypto signing (keys made per run). Stubbed: the
// fetcher (records every URL; serves the client's JWKS at its jwks_uri, the rogue key at the
// attacker's URL, so following `jku` would be caught, and 404 anywhere else) and the clock (frozen at NOW_MS).
// fast-check generates the input.
import { FetchError, FetchErrorCode, FetchResponse } from '@admit/metadata';
import fc from 'fast-check';
import { generateKeyPairSync, KeyObject, sign as cryptoSign } from 'node:crypto';
import { AssertionError, AssertionResult, ClientAssertions } from './client-assertion';
import { TestingJtis } from './testing-jtis';

const ISSUER = 'https://admit.test';
const CLIENT = 's_client';
const KID = 'k1';
const NOW_MS = Date.parse('2026-06-01T12:00:00.000Z');
const NOW_S = NOW_MS / 1000;
const SKEW_S = 30;
const CODES: readonly string[] = Object.values(AssertionError);
const JWKS_URI = 'https://client.example/jwks.json';
const ATTACKER_URL = 'https://attacker.example/jwks.json';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const client = pair();
const rogue = pair();
const publicJwk = (key: KeyObject) => ({ ...key.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' });
const JWKS = { keys: [publicJwk(client.publicKey)] };

const fetched: string[] = [];
const fetcher = {
  fetch: async (url: string): Promise<FetchResponse> => {
    fetched.push(url);
    const body = url === JWKS_URI ? JWKS : url === ATTACKER_URL ? { keys: [publicJwk(rogue.publicKey)] } : undefined;
    // As the real fetcher answers any status but 200.
    if (!body) throw new FetchError(FetchErrorCode.Status, `${url} answered 404`, 404);
    return { url, status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)), fetchedAt: new Date(NOW_MS) };
  },
};
const assertions = () => new ClientAssertions({ issuer: ISSUER, fetcher, now: () => NOW_MS, jtis: new TestingJtis() });

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
type Signer = 'client' | 'rogue' | 'empty' | 'der';

/** A compact JWS over any header and claims, signed by node:crypto, so the header's alg is never consulted. */
function compact(header: unknown, claims: unknown, signer: Signer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  if (signer === 'empty') return `${input}.`;
  const key = signer === 'rogue' ? rogue.privateKey : client.privateKey;
  return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: signer === 'der' ? 'der' : 'ieee-p1363' }))}`;
}

/** RFC 7523 §3 as Admit applies it (README: aud = issuer, exp at most 5 min away, each jti once), stated apart from jose. */
function acceptable(jwt: string, header: Record<string, unknown>, claims: Record<string, unknown>, signer: Signer): boolean {
  const { iss, sub, aud, exp, nbf, iat, jti } = claims;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return (
    jwt.length <= 16 * 1024 &&
    signer === 'client' &&
    header.alg === 'ES256' &&
    (header.kid === undefined || header.kid === KID) &&
    !('crit' in header) &&
    iss === CLIENT &&
    sub === CLIENT &&
    audiences.includes(ISSUER) &&
    typeof exp === 'number' &&
    exp > NOW_S - SKEW_S &&
    exp <= NOW_S + 300 + SKEW_S &&
    (nbf === undefined || (typeof nbf === 'number' && nbf <= NOW_S + SKEW_S)) &&
    (iat === undefined || typeof iat === 'number') &&
    typeof jti === 'string' &&
    jti.length >= 1 &&
    jti.length <= 256
  );
}

function expectDefined(result: AssertionResult): void {
  if (result.ok) return;
  expect(CODES).toContain(result.code);
  expect(typeof result.description).toBe('string');
}

// ---- generators ---------------------------------------------------------------------------------

let counter = 0;
const time = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: NOW_S - 600, max: NOW_S + 900 }) },
  { weight: 2, arbitrary: fc.constantFrom(-31, -30, -29, 0, 329, 330, 331).map((d) => NOW_S + d) },
  { weight: 1, arbitrary: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.nat())) },
);
const claims = fc
  .record({
    iss: fc.oneof({ weight: 6, arbitrary: fc.constant(CLIENT) }, fc.constantFrom('s_other', `${CLIENT} `, CLIENT.toUpperCase(), ''), fc.jsonValue({ maxDepth: 1 })),
    sub: fc.oneof({ weight: 6, arbitrary: fc.constant(CLIENT) }, fc.constantFrom('s_other', `${CLIENT}\0`), fc.jsonValue({ maxDepth: 1 })),
    aud: fc.oneof(
      { weight: 5, arbitrary: fc.constant<unknown>(ISSUER) },
      fc.constantFrom<unknown>([ISSUER, 'https://other.test'], ['https://other.test'], `${ISSUER}/`, 'https://ADMIT.test', [], null),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    exp: fc.oneof({ weight: 4, arbitrary: fc.constant(NOW_S + 60) }, time),
    nbf: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, time),
    iat: fc.oneof({ weight: 4, arbitrary: fc.constant(NOW_S) }, time, fc.constant(undefined)),
    jti: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined).map(() => `jti-${++counter}`) },
      fc.constantFrom('', 'x'.repeat(256), 'y'.repeat(257)).map((j) => (j.length > 0 ? `${j.slice(0, -String(++counter).length)}${counter}` : j)),
      fc.jsonValue({ maxDepth: 1 }),
      fc.constant(undefined),
    ),
    extra: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'cnf', 'jku', 'client_id')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    padding: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, fc.integer({ min: 11_500, max: 13_000 })),
  })
  .map(({ extra, padding, ...known }) => {
    const out: Record<string, unknown> = { ...extra, ...known };
    if (padding > 0) out.padding = 'p'.repeat(padding);
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  });

const header = fc
  .record(
    {
      alg: fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>('ES256') }, fc.constantFrom<unknown>('none', 'HS256', 'RS256', 'ES384', 'EdDSA', 'es256', ''), fc.jsonValue({ maxDepth: 1 })),
      kid: fc.oneof({ weight: 5, arbitrary: fc.constant<unknown>(KID) }, fc.constantFrom<unknown>('k2', '', 'K1'), fc.jsonValue({ maxDepth: 1 })),
      typ: fc.constantFrom('JWT', 'client-authentication+jwt', 'at+jwt'),
      jku: fc.constant(ATTACKER_URL),
      x5u: fc.constant('https://attacker.example/cert.pem'),
      jwk: fc.constant(publicJwk(rogue.publicKey)),
      crit: fc.constantFrom(['exp'], ['b64'], []),
    },
    { requiredKeys: [] },
  )
  .map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);
const signer = fc.oneof({ weight: 6, arbitrary: fc.constant<Signer>('client') }, fc.constantFrom<Signer>('rogue', 'empty', 'der'));
const assertion = fc.tuple(header, claims, signer).map(([h, c, s]) => ({ header: h, claims: c, signer: s, jwt: compact(h, c, s) }));
const metadata = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Record<string, unknown>>({ jwks: JWKS }) },
  { weight: 2, arbitrary: fc.constant<Record<string, unknown>>({ jwks_uri: JWKS_URI }) },
  fc.record({ jwks: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ keys: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) })), jwks_uri: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }),
);

/** Assertions that meet every rule, in their many acceptable forms, signed with the client's key. */
const acceptedAssertion = fc
  .record({
    kid: fc.constantFrom(KID, undefined),
    aud: fc.constantFrom<unknown>(ISSUER, [ISSUER, 'https://other.test']),
    exp: fc.integer({ min: NOW_S - SKEW_S + 1, max: NOW_S + 300 + SKEW_S }),
    nbf: fc.option(fc.integer({ min: NOW_S - 3600, max: NOW_S + SKEW_S }), { nil: undefined }),
    iat: fc.option(fc.integer({ min: NOW_S - 3600, max: NOW_S + 3600 }), { nil: undefined }),
    extra: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  })
  .map(({ kid, extra, ...known }) => {
    const header = JSON.parse(JSON.stringify({ alg: 'ES256', kid })) as Record<string, unknown>;
    const claims = JSON.parse(JSON.stringify({ ...extra, ...known, iss: CLIENT, sub: CLIENT, jti: `jti-${++counter}` })) as Record<string, unknown>;
    return { header, claims, signer: 'client' as const, jwt: compact(header, claims, 'client') };
  });

/** An assertion that meets every rule, signed with the client's key. */
function validExample(): { header: Record<string, unknown>; claims: Record<string, unknown>; signer: Signer; jwt: string } {
  const header = { alg: 'ES256', kid: KID };
  const claims = { iss: CLIENT, sub: CLIENT, aud: ISSUER, exp: NOW_S + 60, iat: NOW_S, jti: 'jti-valid-example' };
  return { header, claims, signer: 'client', jwt: compact(header, claims, 'client') };
}

// ---- properties ---------------------------------------------------------------------------------

describe('ClientAssertions under hostile assertions (property)', () => {
  beforeEach(() => (fetched.length = 0));

  it('arbitrary strings never throw and are refused with a published code, fetching nothing with inline keys', async () => {
    const verifier = assertions();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_.-]{0,120}$/), fc.string({ minLength: 16_000, maxLength: 17_000 })), async (jwt) => {
        const result = await verifier.verify(jwt, CLIENT, { jwks: JWKS });
        expect(result.ok).toBe(false);
        expectDefined(result);
      }),
      { numRuns: 200 },
    );
    expect(fetched).toEqual([]);
  });

  it('JWS with arbitrary headers and claims: accepted exactly when every rule holds; jku, x5u and an embedded jwk are never used', async () => {
    const verifier = assertions();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(assertion, fc.boolean(), async ({ header: h, claims: c, signer: s, jwt }, remote) => {
        const result = await verifier.verify(jwt, CLIENT, remote ? { jwks_uri: JWKS_URI } : { jwks: JWKS });
        expectDefined(result);
        expect({ jwt: jwt.slice(0, 300), ok: result.ok }).toEqual({ jwt: jwt.slice(0, 300), ok: acceptable(jwt, h, c, s) });
        if (result.ok) accepted += 1;
      }),
      // Random assertions rarely pass every rule: one that does is always among the runs.
      { numRuns: 300, examples: [[validExample(), false]] },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(fetched.filter((url) => url !== JWKS_URI)).toEqual([]);
  });

  it('an accepted assertion is refused when presented again, with ERR_CLIENT_ASSERTION_REPLAYED', async () => {
    const verifier = assertions();
    await fc.assert(
      // Generated acceptable rather than filtered: filtering the hostile ones discards most runs and
      // made this property slow enough to hit the test timeout on a busy machine.
      fc.asyncProperty(acceptedAssertion, async ({ header: h, claims: c, signer: s, jwt }) => {
        expect(acceptable(jwt, h, c, s)).toBe(true);
        expect(await verifier.verify(jwt, CLIENT, { jwks: JWKS })).toEqual({ ok: true });
        expect(await verifier.verify(jwt, CLIENT, { jwks: JWKS })).toMatchObject({ ok: false, code: AssertionError.Replayed });
      }),
      { numRuns: 50 },
    );
  });

  it('hostile client metadata (any jwks, any jwks_uri): a result with a published code; only the metadata jwks_uri is fetched', async () => {
    const verifier = assertions();
    await fc.assert(
      fc.asyncProperty(assertion, metadata, async ({ jwt }, meta) => {
        fetched.length = 0;
        const result = await verifier.verify(jwt, CLIENT, meta);
        expectDefined(result);
        expect(fetched.every((url) => url === meta.jwks_uri)).toBe(true);
        if (result.ok) expect(meta.jwks === JWKS || meta.jwks_uri === JWKS_URI).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
