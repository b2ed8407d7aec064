// Real: jose, node:crypto and the filesystem (a temporary folder per test); nothing stubbed.
import { nonPublicJwkMembers } from '@admit/metadata';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, JWK, jwtVerify } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectedBy } from '@admit/contracts/testing';
import { KeysError, KeysErrorCode } from './keys-error';
import { SigningKeys } from './signing-keys';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'admit-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function privateJwk(alg: 'ES256' | 'EdDSA' | 'RS256' | 'PS256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg };
}

function writeKeys(content: unknown, name = 'keys.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const refusal = (options: { file?: string; dataDir?: string }) => rejectedBy(KeysError, SigningKeys.load(options));

async function verifies(keys: SigningKeys, token: string): Promise<Record<string, unknown>> {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.publicJwks()), { typ: 'test+jwt' });
  return { ...payload, header: protectedHeader };
}

describe('SigningKeys generated in the data folder (embedded mode)', () => {
  it('generates one ES256 key on first start, mode 0600, with its thumbprint as kid', async () => {
    const keys = await SigningKeys.load({ dataDir: join(dir, 'data') });
    const path = join(dir, 'data', 'signing-key.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { keys: JWK[] };
    expect(stored.keys).toHaveLength(1);
    const [key] = stored.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: keys.kid });
    expect(typeof key.d).toBe('string');
    expect(keys.kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.x, y: key.y }));
    expect(keys.alg).toBe('ES256');
    // Only the key file is left: the temporary file it was written through is gone.
    expect(readdirSync(join(dir, 'data'))).toEqual(['signing-key.json']);
  });

  it('reuses the generated key on every later start', async () => {
    const first = await SigningKeys.load({ dataDir: dir });
    const text = readFileSync(join(dir, 'signing-key.json'), 'utf8');
    const second = await SigningKeys.load({ dataDir: dir });
    expect(second.kid).toBe(first.kid);
    expect(readFileSync(join(dir, 'signing-key.json'), 'utf8')).toBe(text);
    // A token signed before the restart verifies against the keys published after it.
    await expect(verifies(second, await first.sign({ sub: 'c_1' }, 'test+jwt'))).resolves.toMatchObject({ sub: 'c_1' });
  });

  it('ends with one key when several starts race to generate it', async () => {
    const loaded = await Promise.all([1, 2, 3, 4].map(() => SigningKeys.load({ dataDir: dir })));
    expect(new Set(loaded.map((keys) => keys.kid)).size).toBe(1);
    expect(readdirSync(dir)).toEqual(['signing-key.json']);
  });

  it('prefers ADMIT_SIGNING_KEY_FILE and then generates nothing', async () => {
    const file = writeKeys({ keys: [await privateJwk('ES256', 'given')] });
    const dataDir = join(dir, 'data');
    expect((await SigningKeys.load({ file, dataDir })).kid).toBe('given');
    expect(() => statSync(dataDir)).toThrow(/ENOENT/);
  });

  it('refuses a broken generated file with a message naming ADMIT_DATA_DIR, and keeps it', async () => {
    const path = writeKeys('{"keys": [', 'signing-key.json');
    const err = await refusal({ dataDir: dir });
    expect(err.code).toBe(KeysErrorCode.NotJwks);
    expect(err.message).toBe(`the generated signing key in ADMIT_DATA_DIR (${path}): is not valid JSON`);
    expect(readFileSync(path, 'utf8')).toBe('{"keys": [');
  });

  it('refuses a data folder it cannot write to (ERR_KEYS_FILE_UNWRITABLE)', async () => {
    const blocker = writeKeys('not a folder', 'blocker');
    const err = await refusal({ dataDir: join(blocker, 'data') });
    expect(err.code).toBe(KeysErrorCode.FileUnwritable);
    expect(err.message).toBe(`the generated signing key in ADMIT_DATA_DIR (${join(blocker, 'data', 'signing-key.json')}): cannot write the generated key: ENOTDIR`);
  });

  it('refuses to start without a file or a data folder (ERR_KEYS_NO_SOURCE)', async () => {
    const err = await refusal({});
    expect(err).toMatchObject({ code: KeysErrorCode.NoSource, message: 'no signing key: set ADMIT_SIGNING_KEY_FILE' });
    expect((await refusal({ file: '', dataDir: '' })).code).toBe(KeysErrorCode.NoSource);
  });
});

describe('SigningKeys from ADMIT_SIGNING_KEY_FILE', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)('signs with a %s key, header {alg, kid, typ}', async (alg) => {
    const keys = await SigningKeys.load({ file: writeKeys({ keys: [await privateJwk(alg, `k-${alg}`)] }) });
    expect({ kid: keys.kid, alg: keys.alg }).toEqual({ kid: `k-${alg}`, alg });
    const token = await keys.sign({ sub: 'c_1', exp: 2_000_000_000 }, 'test+jwt');
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: `k-${alg}`, typ: 'test+jwt' });
    await expect(verifies(keys, token)).resolves.toMatchObject({ sub: 'c_1', exp: 2_000_000_000 });
  });

  it('infers the algorithm of EC P-256 and Ed25519 keys that do not name one', async () => {
    const { alg: _es, ...ec } = await privateJwk('ES256', 'ec');
    const { alg: _ed, ...ed } = await privateJwk('EdDSA', 'ed');
    expect((await SigningKeys.load({ file: writeKeys({ keys: [ec] }) })).alg).toBe('ES256');
    expect((await SigningKeys.load({ file: writeKeys({ keys: [ed] }) })).alg).toBe('EdDSA');
  });

  it('signs with the first key and publishes every key (rotation)', async () => {
    const old = await privateJwk('ES256', 'old');
    const before = await SigningKeys.load({ file: writeKeys({ keys: [old] }) });
    const oldToken = await before.sign({ sub: 'c_1' }, 'test+jwt');

    const after = await SigningKeys.load({ file: writeKeys({ keys: [await privateJwk('EdDSA', 'new'), old] }) });
    expect(after.kid).toBe('new');
    expect(after.publicJwks().keys.map((key) => key.kid)).toEqual(['new', 'old']);
    expect(decodeProtectedHeader(await after.sign({}, 'test+jwt')).kid).toBe('new');
    // Tokens the old key signed still verify until they expire.
    await expect(verifies(after, oldToken)).resolves.toMatchObject({ sub: 'c_1', header: { kid: 'old' } });
  });

  it('publishes only public members, with alg and use, and hands out copies', async () => {
    const keys = await SigningKeys.load({
      file: writeKeys({ keys: await Promise.all([privateJwk('ES256', 'a'), privateJwk('EdDSA', 'b'), privateJwk('RS256', 'c')]) }),
    });
    const published = keys.publicJwks();
    for (const key of published.keys) expect(nonPublicJwkMembers(key)).toEqual([]);
    expect(published.keys.map((key) => Object.keys(key).sort())).toEqual([
      ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
      ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
      ['alg', 'e', 'kid', 'kty', 'n', 'use'],
    ]);
    expect(published.keys.map((key) => [key.alg, key.use])).toEqual([
      ['ES256', 'sig'],
      ['EdDSA', 'sig'],
      ['RS256', 'sig'],
    ]);
    published.keys[0].x = 'changed';
    published.keys.pop();
    expect(keys.publicJwks().keys).toHaveLength(3);
    expect(keys.publicJwks().keys[0].x).not.toBe('changed');
  });

  it('drops members a key file may carry but that are not published (x5c, key_ops, ext, unknown ones)', async () => {
    const key = { ...(await privateJwk('ES256', 'k')), key_ops: ['sign'], ext: true, x5c: ['MIIB'], secret_note: 'x' };
    const [published] = (await SigningKeys.load({ file: writeKeys({ keys: [key] }) })).publicJwks().keys;
    expect(Object.keys(published).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});

describe('SigningKeys refuses unusable key files, with stable codes', () => {
  const source = () => `ADMIT_SIGNING_KEY_FILE (${join(dir, 'keys.json')})`;

  it.each([
    ['not JSON', '{"keys": [', 'is not valid JSON'],
    ['a JSON array', '[]', 'must be a JSON Web Key Set: an object with a "keys" array'],
    ['null', 'null', 'must be a JSON Web Key Set: an object with a "keys" array'],
    ['an object without keys', '{"kty":"EC"}', 'must be a JSON Web Key Set: an object with a "keys" array'],
    ['keys that are no array', '{"keys":{}}', 'must be a JSON Web Key Set: an object with a "keys" array'],
    ['an empty keys array', '{"keys":[]}', '"keys" is empty; the first key signs, so at least one is needed'],
    ['a key that is no object', '{"keys":["k"]}', 'keys[0] must be a JSON object'],
  ])('%s: ERR_KEYS_NOT_JWKS', async (_case, text, message) => {
    const err = await refusal({ file: writeKeys(text) });
    expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_KEYS_NOT_JWKS', message: `${source()}: ${message}` });
  });

  it('a file that cannot be read: ERR_KEYS_FILE_UNREADABLE with the errno code', async () => {
    const missing = join(dir, 'missing.json');
    const err = await refusal({ file: missing });
    expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_KEYS_FILE_UNREADABLE', message: `ADMIT_SIGNING_KEY_FILE (${missing}): cannot be read: ENOENT` });
  });

  it.each([
    ['no kid', (key: JWK) => ({ ...key, kid: undefined })],
    ['an empty kid', (key: JWK) => ({ ...key, kid: '' })],
    ['a kid that is no string', (key: JWK) => ({ ...key, kid: 7 })],
  ])('a key with %s: ERR_KEYS_MISSING_KID', async (_case, edit) => {
    const good = await privateJwk('ES256', 'first');
    const err = await refusal({ file: writeKeys({ keys: [good, edit(await privateJwk('ES256', 'x'))] }) });
    expect({ code: err.code, message: err.message }).toEqual({
      code: 'ERR_KEYS_MISSING_KID',
      message: `${source()}: keys[1] has no kid; every key needs one, so verifiers can pick it`,
    });
  });

  it.each([
    ['two keys with one kid: ERR_KEYS_DUPLICATE_KID', async () => [await privateJwk('ES256', 'same'), await privateJwk('EdDSA', 'same')], 'ERR_KEYS_DUPLICATE_KID', 'kid "same" appears more than once'],
    [
      'a symmetric key: ERR_KEYS_SYMMETRIC_KEY, without its value in the message',
      async () => [{ kty: 'oct', kid: 'h', alg: 'HS256', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }],
      'ERR_KEYS_SYMMETRIC_KEY',
      'keys[0] is a symmetric (oct) key; only asymmetric keys may sign',
    ],
    [
      'a public key: ERR_KEYS_PUBLIC_ONLY_KEY',
      async () => [{ ...(await privateJwk('ES256', 'pub')), d: undefined }],
      'ERR_KEYS_PUBLIC_ONLY_KEY',
      'keys[0] (kid "pub") is a public key; the file holds private keys (their public parts are published)',
    ],
    [
      'an RSA key under 2048 bits: ERR_KEYS_WEAK_KEY',
      async () => [{ ...generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }), kid: 'small', alg: 'PS256' }],
      'ERR_KEYS_WEAK_KEY',
      'keys[0] (kid "small"): RSA modulus has 1024 bits; at least 2048 are required',
    ],
  ])('%s', async (_case, keys, code, message) => {
    const err = await refusal({ file: writeKeys({ keys: await keys() }) });
    expect({ code: err.code, message: err.message }).toEqual({ code, message: `${source()}: ${message}` });
  });

  const SUPPORTED = 'supported: ES256, EdDSA, RS256, PS256';
  it.each([
    ['alg none', async () => ({ ...(await privateJwk('ES256', 'k')), alg: 'none' }), 'alg "none" is not supported'],
    ['alg HS256 on an EC key', async () => ({ ...(await privateJwk('ES256', 'k')), alg: 'HS256' }), 'alg "HS256" is not supported'],
    ['alg RS256 on an EC key', async () => ({ ...(await privateJwk('ES256', 'k')), alg: 'RS256' }), 'alg RS256 does not fit an EC P-256 key'],
    ['alg ES256 on an Ed25519 key', async () => ({ ...(await privateJwk('EdDSA', 'k')), alg: 'ES256' }), 'alg ES256 does not fit an Ed25519 key'],
    ['an ES384 key', async () => ({ ...(await exportJWK((await generateKeyPair('ES384', { extractable: true })).privateKey)), kid: 'k' }), 'EC curve "P-384" is not supported (only P-256, for ES256)'],
    ['an X25519 key', async () => ({ kty: 'OKP', crv: 'X25519', kid: 'k', x: 'AA', d: 'AA' }), 'OKP curve "X25519" is not supported (only Ed25519, for EdDSA)'],
    ['an RSA key without alg', async () => ({ ...(await privateJwk('RS256', 'k')), alg: undefined }), 'an RSA key must name its alg, RS256 or PS256'],
    ['an unknown kty', async () => ({ kty: 'AKP', kid: 'k', d: 'AA' }), 'kty "AKP" is not supported'],
  ])('%s: ERR_KEYS_UNSUPPORTED_ALG', async (_case, make, message) => {
    const err = await refusal({ file: writeKeys({ keys: [await make()] }) });
    expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_KEYS_UNSUPPORTED_ALG', message: `${source()}: keys[0] (kid "k"): ${message}; ${SUPPORTED}` });
  });

  it.each([
    ['use "enc"', { use: 'enc' }],
    ['key_ops without sign', { key_ops: ['verify'] }],
  ])('a key with %s: ERR_KEYS_NOT_FOR_SIGNING', async (_case, extra) => {
    const err = await refusal({ file: writeKeys({ keys: [{ ...(await privateJwk('ES256', 'k')), ...extra }] }) });
    expect({ code: err.code, message: err.message }).toEqual({
      code: 'ERR_KEYS_NOT_FOR_SIGNING',
      message: `${source()}: keys[0] (kid "k") is not meant for signing (use must be "sig", key_ops must include "sign")`,
    });
  });

  it('a private part that does not match its public part: ERR_KEYS_INVALID_KEY, never quoting the key', async () => {
    const a = await privateJwk('ES256', 'a');
    const b = await privateJwk('ES256', 'b');
    const mixed = { ...a, d: b.d };
    const err = await refusal({ file: writeKeys({ keys: [await privateJwk('EdDSA', 'fine'), mixed] }) });
    expect({ code: err.code, message: err.message }).toEqual({
      code: 'ERR_KEYS_INVALID_KEY',
      message: `${source()}: keys[1] (kid "a"): the key material is malformed, or its private part does not match its public part`,
    });
    for (const value of [a.d, b.d, a.x, a.y]) expect(err.message).not.toContain(value);
  });

  it.each([
    ['an x that is not on the curve', async () => ({ ...(await privateJwk('ES256', 'k')), x: 'AAAA' })],
    ['a d that is no string of base64url', async () => ({ ...(await privateJwk('EdDSA', 'k')), d: '!!!' })],
    ['an RSA key without its primes', async () => ({ ...(await privateJwk('RS256', 'k')), p: undefined })],
  ])('%s: ERR_KEYS_INVALID_KEY', async (_case, make) => {
    expect((await refusal({ file: writeKeys({ keys: [await make()] }) })).code).toBe('ERR_KEYS_INVALID_KEY');
  });
});
