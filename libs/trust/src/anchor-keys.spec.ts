// Real: jose (key generation, createLocalJWKSet). Stubbed: the Fetcher (in-memory FakeFetcher), the clock (a number we move).
import { FetchErrorCode } from '@admit/metadata';
import { AnchorKeys, type AnchorKeysOptions } from './anchor-keys';
import { AnchorKeysError } from './anchor-keys-error';
import { FakeFetcher } from './testing/fake-fetcher';
import { anchorsFor, JWKS_URI, NOW_S, testKey, type TestKey } from './testing/statement-fixtures';
import type { TrustAnchors } from './trust-anchor';

let k1: TestKey;
let k2: TestKey;
let nowMs: number;
let fetcher: FakeFetcher;

beforeAll(async () => {
  [k1, k2] = await Promise.all([testKey('k1'), testKey('k2')]);
});

beforeEach(() => {
  nowMs = NOW_S * 1000;
  fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [k1.publicJwk] });
});

function setup(anchors: TrustAnchors = anchorsFor([], { remote: true }), options: Partial<AnchorKeysOptions> = {}) {
  const keys = new AnchorKeys(anchors, { fetcher, clock: () => new Date(nowMs), ...options });
  const resolver = keys.resolverFor(anchors.all[0]);
  const resolve = (kid: string) => resolver({ alg: 'ES256', kid }, { payload: '', signature: '' });
  return { keys, resolve };
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: { code?: unknown }) => error.code,
  );
}

describe('inline anchors', () => {
  it('resolve from the configured keys and never fetch', async () => {
    const { resolve } = setup(anchorsFor([k1]));
    await expect(resolve('k1')).resolves.toMatchObject({ type: 'public' });
    expect(await codeOf(resolve('k2'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(fetcher.calls).toEqual([]);
  });
});

describe('remote anchors', () => {
  it('fetch once through the Fetcher with a 64 KiB cap, then serve from cache until the TTL', async () => {
    const { resolve } = setup();
    await resolve('k1');
    await resolve('k1');
    expect(fetcher.calls).toEqual([{ url: JWKS_URI, options: { maxBytes: 65_536 } }]);
    nowMs += 10 * 60_000 - 1;
    await resolve('k1');
    expect(fetcher.calls).toHaveLength(1);
    nowMs += 1;
    await resolve('k1');
    expect(fetcher.calls).toHaveLength(2);
  });

  it('honour a configured size cap', async () => {
    const { resolve } = setup(undefined, { maxJwksBytes: 100, ttlMs: 1000 });
    await expect(resolve('k1')).rejects.toThrow(
      new AnchorKeysError('directory', 'the JWKS of anchor "directory" could not be fetched (ERR_FETCH_TOO_LARGE)'),
    );
    expect(fetcher.calls[0].options).toEqual({ maxBytes: 100 });
  });

  it('coalesce concurrent cold lookups into one fetch', async () => {
    const { resolve } = setup();
    const release = fetcher.hold();
    const pending = Array.from({ length: 10 }, () => resolve('k1'));
    release();
    await Promise.all(pending);
    expect(fetcher.calls).toHaveLength(1);
  });

  it('refresh on an unknown kid at most once per cooldown, however many arrive', async () => {
    const { resolve } = setup();
    await resolve('k1');
    // Within the cooldown of the first fetch, an unknown kid costs nothing.
    expect(await codeOf(resolve('nope'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(fetcher.calls).toHaveLength(1);

    nowMs += 30_000;
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => codeOf(resolve(`made-up-${i}`))));
    for (let i = 0; i < 5; i += 1) flood.push(await codeOf(resolve(`later-${i}`)));
    expect(new Set(flood)).toEqual(new Set(['ERR_JWKS_NO_MATCHING_KEY']));
    expect(fetcher.calls).toHaveLength(2);

    nowMs += 29_999;
    await codeOf(resolve('still-no'));
    expect(fetcher.calls).toHaveLength(2);
    nowMs += 1;
    await codeOf(resolve('still-no'));
    expect(fetcher.calls).toHaveLength(3);
  });

  it('pick up a rotated key through the unknown-kid refresh', async () => {
    const { resolve } = setup();
    await resolve('k1');
    fetcher.serveJson(JWKS_URI, { keys: [k1.publicJwk, k2.publicJwk] });
    nowMs += 30_000;
    await expect(resolve('k2')).resolves.toMatchObject({ type: 'public' });
    expect(fetcher.calls).toHaveLength(2);
  });

  it('remember a failed fetch for the cooldown, then retry', async () => {
    fetcher.fail(JWKS_URI, FetchErrorCode.Timeout);
    const { resolve } = setup();
    const expected = 'the JWKS of anchor "directory" could not be fetched (ERR_FETCH_TIMEOUT)';
    await expect(resolve('k1')).rejects.toThrow(expected);
    await expect(resolve('k1')).rejects.toThrow(expected);
    expect(fetcher.calls).toHaveLength(1);
    nowMs += 30_000;
    fetcher.serveJson(JWKS_URI, { keys: [k1.publicJwk] });
    await expect(resolve('k1')).resolves.toMatchObject({ type: 'public' });
    expect(fetcher.calls).toHaveLength(2);
  });

  it('fail closed when the TTL has passed and the refresh fails', async () => {
    const { resolve } = setup();
    await resolve('k1');
    nowMs += 10 * 60_000;
    fetcher.fail(JWKS_URI, FetchErrorCode.Connect);
    expect(await codeOf(resolve('k1'))).toBe('ERR_ANCHOR_KEYS_UNAVAILABLE');
  });

  it.each([
    ['not JSON', (f: FakeFetcher) => f.serveRaw(JWKS_URI, '<html>'), 'the JWKS of anchor "directory" is not JSON'],
    ['no keys array', (f: FakeFetcher) => f.serveJson(JWKS_URI, { keys: 'x' }), 'the JWKS of anchor "directory" is refused: must be a JSON object with a "keys" array'],
    [
      'a symmetric key',
      (f: FakeFetcher) => f.serveJson(JWKS_URI, { keys: [{ kty: 'oct', kid: 's', k: 'AAAA' }] }),
      'the JWKS of anchor "directory" is refused: key "s" has kty "oct"; only EC, RSA and OKP public keys are accepted',
    ],
    [
      'a private key',
      (f: FakeFetcher) => f.serveJson(JWKS_URI, { keys: [{ ...k1.publicJwk, d: 'AAAA' }] }),
      'the JWKS of anchor "directory" is refused: key "k1" contains private or symmetric key material (d)',
    ],
  ])('refuse a JWKS that is %s', async (_, serve, message) => {
    serve(fetcher);
    const { resolve } = setup();
    await expect(resolve('k1')).rejects.toThrow(message);
  });
});

describe('purge', () => {
  it('drops the cache and the cooldown of one anchor', async () => {
    const { keys, resolve } = setup();
    await resolve('k1');
    expect(keys.purge('directory')).toBe(true);
    await resolve('k1');
    expect(fetcher.calls).toHaveLength(2);
    expect(keys.purge('unknown-anchor')).toBe(false);
  });

  it('keeps a fetch that started before the purge out of the cache', async () => {
    const { keys, resolve } = setup();
    const release = fetcher.hold();
    const before = resolve('k1');
    keys.purge('directory');
    release();
    await before;
    await resolve('k1');
    expect(fetcher.calls).toHaveLength(2);
  });
});
