// Real: cacheTtlMs. Nothing is stubbed; times are fixed values.
import { cacheTtlMs } from './cache-ttl';

const bounds = { minTtlMs: 60_000, maxTtlMs: 86_400_000 };
const fetchedAt = new Date('2026-03-01T12:00:00.000Z');
const ttl = (headers: Record<string, string>) => cacheTtlMs(headers, fetchedAt, bounds);

describe('cacheTtlMs (RFC 9111 freshness, clamped)', () => {
  it.each<[Record<string, string>, number, string]>([
    [{}, 60_000, 'no cache headers: the minimum'],
    [{ 'cache-control': 'max-age=600' }, 600_000, 'max-age'],
    [{ 'cache-control': 'public, max-age=3600, must-revalidate' }, 3_600_000, 'max-age among other directives'],
    [{ 'cache-control': 'Max-Age=120' }, 120_000, 'directive names are case-insensitive'],
    [{ 'cache-control': 'max-age="900"' }, 900_000, 'a quoted max-age'],
    [{ 'cache-control': ', ,max-age=300,' }, 300_000, 'empty list elements'],
    [{ 'cache-control': 'max-age=10' }, 60_000, 'below the minimum'],
    [{ 'cache-control': 'max-age=604800' }, 86_400_000, 'above the maximum'],
    [{ 'cache-control': `max-age=${'9'.repeat(400)}` }, 86_400_000, 'an absurd max-age'],
    [{ 'cache-control': 's-maxage=7200' }, 60_000, 's-maxage alone is ignored'],
    [{ 'cache-control': 's-maxage=7200, max-age=600' }, 600_000, 's-maxage does not override max-age'],
    [{ 'cache-control': 'no-store, max-age=3600' }, 60_000, 'no-store'],
    [{ 'cache-control': 'max-age=3600, no-cache' }, 60_000, 'no-cache'],
    [{ 'cache-control': 'no-cache="set-cookie", max-age=3600' }, 60_000, 'no-cache with a field list'],
    [{ 'cache-control': 'max-age=-5' }, 60_000, 'a negative max-age is stale'],
    [{ 'cache-control': 'max-age=abc' }, 60_000, 'a non-numeric max-age is stale'],
    [{ 'cache-control': 'max-age=1.5' }, 60_000, 'a fractional max-age is stale'],
    [{ 'cache-control': 'max-age=600, max-age=7200' }, 60_000, 'conflicting max-age is stale'],
    [{ 'cache-control': 'max-age=600', age: '100' }, 500_000, 'Age is subtracted'],
    [{ 'cache-control': 'max-age=600', age: '590' }, 60_000, 'Age past the lifetime'],
    [{ 'cache-control': 'max-age=600', expires: 'Sun, 01 Mar 2026 13:00:00 GMT' }, 600_000, 'max-age wins over Expires'],
    [{ expires: 'Sun, 01 Mar 2026 14:00:00 GMT' }, 7_200_000, 'Expires relative to fetch time when Date is absent'],
    [{ expires: 'Sun, 01 Mar 2026 14:00:00 GMT', date: 'Sun, 01 Mar 2026 13:30:00 GMT' }, 1_800_000, 'Expires relative to the server Date'],
    [{ expires: 'Sun, 01 Mar 2026 14:00:00 GMT', date: 'garbage' }, 7_200_000, 'an invalid Date falls back to fetch time'],
    [{ expires: '0' }, 60_000, 'an invalid Expires is stale'],
    [{ expires: 'Sun, 01 Mar 2026 11:00:00 GMT' }, 60_000, 'an Expires in the past'],
    [{ expires: 'Sun, 01 Mar 2026 14:00:00 GMT', 'cache-control': 'no-store' }, 60_000, 'no-store beats Expires'],
  ])('%j gives %d ms (%s)', (headers, expected) => {
    expect(ttl(headers)).toBe(expected);
  });

  it('honours other bounds', () => {
    expect(cacheTtlMs({ 'cache-control': 'max-age=5' }, fetchedAt, { minTtlMs: 1000, maxTtlMs: 10_000 })).toBe(5000);
    expect(cacheTtlMs({ 'cache-control': 'max-age=50' }, fetchedAt, { minTtlMs: 1000, maxTtlMs: 10_000 })).toBe(10_000);
  });
});
