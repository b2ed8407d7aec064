// Real: jose (keys generated here, signing, verification). Stubbed: the Fetcher (in-memory, records every URL), the clock (frozen).
import { exportJWK, exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { FakeFetcher } from './testing/fake-fetcher';
import { anchorsFor, ISSUER, JWKS_URI, NOW_S, sign, testKey, validClaims, type TestKey } from './testing/statement-fixtures';
import { onlyProblem, verifyHarness } from './testing/verify-harness';
import type { StatementVerification } from './verify-statement';

const ATTACKER_JWKS = 'https://attacker.example/jwks.json';

let anchorKey: TestKey;
let rogueKey: TestKey;
let impostorKey: TestKey;
let rsaKey: TestKey;

beforeAll(async () => {
  [anchorKey, rogueKey, rsaKey] = await Promise.all([testKey('es'), testKey('rogue'), testKey('rs', 'RS256')]);
  // Same kid as the anchor's key, different key pair.
  impostorKey = { ...(await testKey('es')), kid: 'es' };
});

/** Asserts the exact code and RFC 7591 error, and that the description leaks neither the JWT nor key material. */
function expectRejected(result: StatementVerification, jwt: string, code: string, error = 'invalid_software_statement'): void {
  const problem = onlyProblem(result);
  expect({ code: problem.code, error: problem.error }).toEqual({ code, error });
  for (const part of jwt.split('.').filter((segment) => segment.length >= 8)) expect(problem.description).not.toContain(part.slice(0, 64));
  for (const key of [anchorKey, rogueKey, rsaKey]) expect(problem.description).not.toContain(String(key.publicJwk.x ?? key.publicJwk.n).slice(0, 16));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('adversarial software statements', () => {
  it('alg none → ERR_STATEMENT_UNSIGNED', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const unsecured = new UnsecuredJWT(validClaims()).encode();
    expectRejected(await verify(unsecured), unsecured, 'ERR_STATEMENT_UNSIGNED');
    const shouted = `${b64({ alg: 'NONE', kid: 'es' })}.${b64(validClaims())}.`;
    expectRejected(await verify(shouted), shouted, 'ERR_STATEMENT_UNSIGNED');
  });

  it('HS256 keyed with the anchor public key (PEM and JWK bytes) → ERR_STATEMENT_ALG_SYMMETRIC', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const publicKey = await crypto.subtle.importKey('jwk', anchorKey.publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    for (const secret of [await exportSPKI(publicKey), JSON.stringify(await exportJWK(publicKey))]) {
      const jwt = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: 'es' }).sign(new TextEncoder().encode(secret));
      expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_ALG_SYMMETRIC');
    }
  });

  it('an unknown kid → ERR_STATEMENT_KID_UNKNOWN, after exactly one refresh within the cooldown', async () => {
    const fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [anchorKey.publicJwk] });
    const { verify, clock } = verifyHarness(anchorsFor([], { remote: true }), fetcher);
    expect((await verify(await sign(anchorKey))).ok).toBe(true);
    clock.nowMs += 30_000;

    const jwt = await sign(rogueKey);
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_KID_UNKNOWN');
    expect(fetcher.urls()).toEqual([JWKS_URI, JWKS_URI]);
    const flood = await Promise.all(Array.from({ length: 25 }, async (_, i) => verify(await sign({ ...rogueKey, kid: `k${i}` }))));
    for (const result of flood) expect(onlyProblem(result).code).toBe('ERR_STATEMENT_KID_UNKNOWN');
    expect(fetcher.urls()).toEqual([JWKS_URI, JWKS_URI]);
  });

  it('a kid shared by two keys of a fetched JWKS → ERR_STATEMENT_KID_AMBIGUOUS', async () => {
    const fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [anchorKey.publicJwk, impostorKey.publicJwk] });
    const { verify } = verifyHarness(anchorsFor([], { remote: true }), fetcher);
    const jwt = await sign(anchorKey);
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_KID_AMBIGUOUS');
  });

  it('a wrong iss, even signed by the anchor key → unapproved_software_statement', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const jwt = await sign(anchorKey, validClaims({ iss: 'https://attacker.example' }));
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_ISSUER_UNTRUSTED', 'unapproved_software_statement');
    expect(onlyProblem(await verify(jwt)).description).toBe('issuer "https://attacker.example" is not a trusted anchor');
  });

  it.each([
    ['expired beyond the skew', { exp: NOW_S - 61 }, 'ERR_STATEMENT_EXPIRED'],
    ['issued too far in the future', { iat: NOW_S + 61 }, 'ERR_STATEMENT_ISSUED_IN_FUTURE'],
    ['not valid until too far in the future', { nbf: NOW_S + 61 }, 'ERR_STATEMENT_NOT_YET_VALID'],
    ['older than max_age_s plus the skew', { iat: NOW_S - 3600 - 61 }, 'ERR_STATEMENT_TOO_OLD'],
  ])('%s → %s', async (_, overrides, code) => {
    const { verify } = verifyHarness(anchorsFor([anchorKey], { maxAgeS: 3600 }));
    const jwt = await sign(anchorKey, validClaims(overrides));
    expectRejected(await verify(jwt), jwt, code);
  });

  it('a crit header → ERR_STATEMENT_CRIT_HEADER', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const jwt = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'ES256', kid: 'es', crit: ['urn:example:policy'], 'urn:example:policy': 1 })
      .sign(anchorKey.privateKey, { crit: { 'urn:example:policy': true } });
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_CRIT_HEADER');
  });

  it('a jku pointing elsewhere → ERR_STATEMENT_KEY_HEADER, and the URL is never fetched', async () => {
    const fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [anchorKey.publicJwk] }).serveJson(ATTACKER_JWKS, { keys: [rogueKey.publicJwk] });
    const { verify } = verifyHarness(anchorsFor([], { remote: true }), fetcher);
    const jwt = await sign(rogueKey, validClaims(), { jku: ATTACKER_JWKS });
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_KEY_HEADER');
    expect(onlyProblem(await verify(jwt)).description).toBe(
      "software_statement has a jku header; keys named by the statement are never fetched or used, only the anchor's own keys",
    );
    expect(fetcher.urls()).not.toContain(ATTACKER_JWKS);
    expect(fetcher.calls).toEqual([]);
  });

  it.each([
    ['x5u', () => ({ x5u: 'https://attacker.example/cert.pem' })],
    ['jwk', () => ({ jwk: rogueKey.publicJwk })],
    ['x5c', () => ({ x5c: ['MIIB'] })],
  ])('a %s header → ERR_STATEMENT_KEY_HEADER', async (_, header) => {
    const { verify, fetcher } = verifyHarness(anchorsFor([anchorKey]));
    const jwt = await sign(anchorKey, validClaims(), header());
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_KEY_HEADER');
    expect(fetcher.calls).toEqual([]);
  });

  it('a 1 MB JWT → ERR_STATEMENT_TOO_LARGE before any parsing', async () => {
    const { verify, fetcher } = verifyHarness(anchorsFor([], { remote: true }));
    const signed = await sign(anchorKey, validClaims({ padding: 'x'.repeat(1024 * 1024) }));
    expectRejected(await verify(signed), signed, 'ERR_STATEMENT_TOO_LARGE');
    // Garbage of the same size gets the same code, not ERR_STATEMENT_MALFORMED: nothing was decoded.
    const garbage = '!'.repeat(1024 * 1024);
    expectRejected(await verify(garbage), garbage, 'ERR_STATEMENT_TOO_LARGE');
    expect(fetcher.calls).toEqual([]);
  });

  it('signed by an ES256 key not in the anchor JWKS (same kid) → ERR_STATEMENT_SIGNATURE_INVALID', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const jwt = await sign(impostorKey);
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_SIGNATURE_INVALID');
  });

  it('claims swapped under a valid signature → ERR_STATEMENT_SIGNATURE_INVALID', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const [header, , signature] = (await sign(anchorKey)).split('.');
    const jwt = `${header}.${b64(validClaims({ software_id: 'evil' }))}.${signature}`;
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_SIGNATURE_INVALID');
  });

  it('RS256 against an ES256-only allowlist, even with the RSA key in the JWKS → ERR_STATEMENT_ALG_NOT_ALLOWED', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey, rsaKey], { algorithms: ['ES256'] }));
    const jwt = await sign(rsaKey);
    expectRejected(await verify(jwt), jwt, 'ERR_STATEMENT_ALG_NOT_ALLOWED');
  });

  it('a valid ES256 statement is accepted', async () => {
    const { verify } = verifyHarness(anchorsFor([anchorKey]));
    const result = await verify(await sign(anchorKey));
    expect(result.ok && { iss: result.claims.iss, anchor: result.evidence.anchor, kid: result.evidence.kid }).toEqual({
      iss: ISSUER,
      anchor: 'directory',
      kid: 'es',
    });
    expect(result.ok && result.clientId).toMatch(/^s_[A-Za-z0-9_-]{43}$/);
  });
});
