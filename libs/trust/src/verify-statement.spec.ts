// Real: jose (keys generated here, signing, verification), node:crypto sha-256. Stubbed: the Fetcher (in-memory), the clock (frozen).
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { statementClientId } from './statement-client-id';
import { FakeFetcher } from './testing/fake-fetcher';
import { anchorsFor, JWKS_URI, NOW_S, sign, testKey, validClaims, type TestKey } from './testing/statement-fixtures';
import { onlyProblem, verifyHarness } from './testing/verify-harness';
import { verifySoftwareStatement } from './verify-statement';

let es256: TestKey;
let eddsa: TestKey;
let ps256: TestKey;

beforeAll(async () => {
  [es256, eddsa, ps256] = await Promise.all([testKey('es'), testKey('ed', 'EdDSA'), testKey('ps', 'PS256')]);
});

describe('verifySoftwareStatement accepts', () => {
  it('a valid statement, with claims, evidence and a deterministic client id', async () => {
    const { verify } = verifyHarness(anchorsFor([es256]));
    const jwt = await sign(es256);
    const result = await verify(jwt);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));

    expect(result.anchor.id).toBe('directory');
    expect(result.claims).toEqual(validClaims());
    expect(result.evidence).toEqual({
      sha256: createHash('sha256').update(Buffer.from(jwt, 'ascii')).digest('hex'),
      anchor: 'directory',
      kid: 'es',
      alg: 'ES256',
    });
    expect(result.clientId).toBe(statementClientId('directory', 'acme-cli'));
    const again = await verify(await sign(es256, validClaims({ iat: NOW_S - 10, client_name: 'Acme CLI 2' })));
    expect(again.ok && again.clientId).toBe(result.clientId);
  });

  it('every algorithm on the allowlist, from a remote JWKS fetched once', async () => {
    const fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [es256.publicJwk, eddsa.publicJwk, ps256.publicJwk] });
    const { verify } = verifyHarness(anchorsFor([], { remote: true, algorithms: ['ES256', 'EdDSA', 'PS256'] }), fetcher);
    for (const key of [es256, eddsa, ps256]) {
      const result = await verify(await sign(key));
      expect(result.ok && result.evidence.alg).toBe(key.alg);
    }
    expect(fetcher.urls()).toEqual([JWKS_URI]);
  });

  it('exp, nbf and iat within the 60 s clock skew', async () => {
    const { verify } = verifyHarness(anchorsFor([es256], { maxAgeS: 600 }));
    const claims = validClaims({ exp: NOW_S - 59, nbf: NOW_S + 60, iat: NOW_S + 60 });
    expect((await verify(await sign(es256, claims))).ok).toBe(true);
    const old = validClaims({ iat: NOW_S - 600 - 60 });
    expect((await verify(await sign(es256, old))).ok).toBe(true);
  });
});

describe('verifySoftwareStatement requires', () => {
  it.each([
    ['exp', { exp: undefined }, 'ERR_STATEMENT_CLAIM_MISSING', 'required claim exp is missing'],
    ['iat', { iat: undefined }, 'ERR_STATEMENT_CLAIM_MISSING', 'required claim iat is missing'],
    ['software_id', { software_id: undefined }, 'ERR_STATEMENT_CLAIM_MISSING', 'required claim software_id is missing'],
    ['the anchor’s required claims', { redirect_uris: undefined }, 'ERR_STATEMENT_CLAIM_MISSING', 'required claim redirect_uris is missing'],
    ['a numeric exp', { exp: 'tomorrow' }, 'ERR_STATEMENT_CLAIM_INVALID', 'claim exp has the wrong type'],
    ['a string software_id', { software_id: 42 }, 'ERR_STATEMENT_CLAIM_INVALID', 'claim software_id must be a non-empty string of at most 255 characters'],
    ['a non-empty software_id', { software_id: '' }, 'ERR_STATEMENT_CLAIM_INVALID', 'claim software_id must be a non-empty string of at most 255 characters'],
  ])('%s', async (_, overrides, code, description) => {
    const { verify } = verifyHarness(anchorsFor([es256], { requiredClaims: ['redirect_uris'] }));
    const claims = JSON.parse(JSON.stringify({ ...validClaims(), ...overrides })) as JWTPayload;
    expect(onlyProblem(await verify(await sign(es256, claims)))).toEqual({ code, description, error: 'invalid_software_statement' });
  });

  it('an iss claim', async () => {
    const { verify } = verifyHarness(anchorsFor([es256]));
    expect(onlyProblem(await verify(await sign(es256, validClaims({ iss: undefined }))))).toEqual({
      code: 'ERR_STATEMENT_ISSUER_MISSING',
      description: 'software_statement has no iss claim naming its trust anchor',
      error: 'invalid_software_statement',
    });
  });

  it('a kid in the header', async () => {
    const { verify } = verifyHarness(anchorsFor([es256]));
    expect(onlyProblem(await verify(await sign(es256, validClaims(), { kid: undefined }))).code).toBe('ERR_STATEMENT_KID_MISSING');
  });

  it('an anchor JWKS that can be fetched', async () => {
    const { verify } = verifyHarness(anchorsFor([], { remote: true }));
    expect(onlyProblem(await verify(await sign(es256)))).toEqual({
      code: 'ERR_STATEMENT_KEYS_UNAVAILABLE',
      description: 'the JWKS of anchor "directory" could not be fetched (ERR_FETCH_STATUS)',
      error: 'invalid_software_statement',
    });
  });

  it('a bounded clock tolerance', async () => {
    const anchors = anchorsFor([es256]);
    const ctx = { anchors, keys: verifyHarness(anchors).keys, clock: () => new Date(), clockToleranceS: 301 };
    await expect(verifySoftwareStatement(await sign(es256), ctx)).rejects.toThrow('clockToleranceS must be within 0..300');
  });

  it.each([
    ['not a JWS', 'hello'],
    ['a JWE', 'a.b.c.d.e'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['claims that are not an object', `${Buffer.from('{"alg":"ES256","kid":"es"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.sig`],
  ])('a compact JWS, not %s', async (_, jwt) => {
    const { verify } = verifyHarness(anchorsFor([es256]));
    expect(onlyProblem(await verify(jwt)).code).toBe('ERR_STATEMENT_MALFORMED');
  });
});
