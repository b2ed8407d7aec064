// Real: DocumentCache. Stubbed: the clock (a number the test moves).
import { DocumentCache } from './document-cache';

let now = 1_000_000;
const clock = () => now;
const failure = [{ code: 'ERR_FETCH_STATUS', error: 'invalid_client_metadata', description: 'x answered 500; only 200 counts' }];

beforeEach(() => {
  now = 1_000_000;
});

describe('DocumentCache', () => {
  it('serves a document until its TTL passes', () => {
    const cache = new DocumentCache<string>({}, clock);
    cache.setDocument('https://a.example/c', 'doc', 120_000);
    now += 119_999;
    expect(cache.get('https://a.example/c')).toEqual({ kind: 'document', value: 'doc' });
    now += 1;
    expect(cache.get('https://a.example/c')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('clamps a stored TTL to the bounds (defaults 60 s and 24 h)', () => {
    const cache = new DocumentCache<string>({}, clock);
    cache.setDocument('https://a.example/short', 'doc', 1);
    cache.setDocument('https://a.example/long', 'doc', 365 * 86_400_000);
    now += 59_999;
    expect(cache.get('https://a.example/short')).toBeDefined();
    now = 1_000_000 + 86_400_000;
    expect(cache.get('https://a.example/long')).toBeUndefined();
  });

  it('remembers a failure for the negative TTL only (default 10 s)', () => {
    const cache = new DocumentCache<string>({}, clock);
    cache.setFailure('https://a.example/c', failure);
    now += 9_999;
    expect(cache.get('https://a.example/c')).toEqual({ kind: 'failure', problems: failure });
    now += 1;
    expect(cache.get('https://a.example/c')).toBeUndefined();
  });

  it('lets a fresh document replace a failure and the other way round', () => {
    const cache = new DocumentCache<string>({}, clock);
    cache.setFailure('https://a.example/c', failure);
    cache.setDocument('https://a.example/c', 'doc', 600_000);
    expect(cache.get('https://a.example/c')).toEqual({ kind: 'document', value: 'doc' });
  });

  it('evicts the least recently used entry past maxEntries', () => {
    const cache = new DocumentCache<string>({ maxEntries: 2 }, clock);
    cache.setDocument('https://a.example/1', 'one', 600_000);
    cache.setDocument('https://a.example/2', 'two', 600_000);
    expect(cache.get('https://a.example/1')).toBeDefined();
    cache.setDocument('https://a.example/3', 'three', 600_000);
    expect(cache.size).toBe(2);
    expect(cache.get('https://a.example/2')).toBeUndefined();
    expect(cache.get('https://a.example/1')).toEqual({ kind: 'document', value: 'one' });
    expect(cache.get('https://a.example/3')).toEqual({ kind: 'document', value: 'three' });
  });

  it('purges by exact client id, by origin (its host, on every port), or both, and counts what went', () => {
    const cache = new DocumentCache<string>({}, clock);
    for (const url of ['https://a.example/1', 'https://a.example/2', 'https://a.example:8443/3', 'https://b.example/1', 'https://c.example/1']) cache.setDocument(url, url, 600_000);
    cache.setFailure('https://a.example/failed', failure);
    expect(cache.purge({ clientId: 'https://b.example/1' })).toBe(1);
    expect(cache.purge({ clientId: 'https://b.example/1' })).toBe(0);
    expect(cache.purge({ origin: 'https://A.example' })).toBe(4);
    expect(cache.get('https://c.example/1')).toEqual({ kind: 'document', value: 'https://c.example/1' });
    expect(cache.purge({})).toBe(0);
    expect(cache.purge({ clientId: 'https://nothing.example/x', origin: 'https://c.example:8443' })).toBe(1);
    expect(cache.size).toBe(0);
  });

  it.each([
    [{ minTtlMs: 0 }, 'minTtlMs must be a positive integer, got 0'],
    [{ maxTtlMs: Number.NaN }, 'maxTtlMs must be a positive integer, got NaN'],
    [{ negativeTtlMs: -1 }, 'negativeTtlMs must be a positive integer, got -1'],
    [{ maxEntries: 1.5 }, 'maxEntries must be a positive integer, got 1.5'],
    [{ minTtlMs: 10_000, maxTtlMs: 5_000 }, 'minTtlMs 10000 exceeds maxTtlMs 5000'],
  ])('refuses options %j', (options, message) => {
    expect(() => new DocumentCache(options, clock)).toThrow(message);
  });
});
