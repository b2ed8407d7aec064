// Real: keyThumbprints and jose (thumbprints, key generation). Nothing is stubbed; no I/O.
import { exportJWK, generateKeyPair } from 'jose';
import { keyThumbprints } from './client-keys';

/** RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint. */
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

describe('keyThumbprints', () => {
  it('matches the RFC 7638 example', async () => {
    expect(await keyThumbprints({ keys: [RFC7638_KEY] })).toEqual([RFC7638_THUMBPRINT]);
  });

  it('sorts and deduplicates, ignoring members outside the thumbprint (kid, use, alg)', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const ec = await exportJWK(publicKey);
    const result = await keyThumbprints({ keys: [RFC7638_KEY, { ...ec, kid: 'a' }, { ...ec, kid: 'b', use: 'sig' }, { ...RFC7638_KEY, kid: 'again' }] });
    expect(result).toHaveLength(2);
    expect(result).toEqual([...result].sort());
    expect(result).toContain(RFC7638_THUMBPRINT);
  });

  it('thumbprints OKP keys', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    expect(await keyThumbprints({ keys: [await exportJWK(publicKey)] })).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
  });

  it('skips what is not a usable public key: symmetric keys, unknown types, missing or non-string members', async () => {
    const keys = [
      { kty: 'oct', k: 'c2VjcmV0' },
      { kty: 'XYZ', x: 'a' },
      { kty: 'EC', crv: 'P-256', x: 'only-x' },
      { kty: 'RSA', n: 42, e: 'AQAB' },
      { n: RFC7638_KEY.n, e: 'AQAB' },
      null,
      'RSA',
      RFC7638_KEY,
    ];
    expect(await keyThumbprints({ keys })).toEqual([RFC7638_THUMBPRINT]);
  });

  it.each([undefined, null, 'jwks', 42, [], {}, { keys: 'nope' }, { keys: {} }])('returns no thumbprints for %j', async (jwks) => {
    expect(await keyThumbprints(jwks)).toEqual([]);
  });
});
