// Real: CimdResolver, the URL and document rules, the cache. Stubbed: the Fetcher (a jest.fn answering
// canned responses) and the clock. No network.
import { FetchError, FetchErrorCode, FetchOptions, FetchResponse } from '../fetch/fetcher';
import { refused } from '../testing/refused';
import { CimdResolver } from './cimd-resolver';

const url = 'https://notes.example.com/client.json';
const BODY = '{"client_id":"https://notes.example.com/client.json","redirect_uris":["https://notes.example.com/cb"]}';
const BODY_SHA256 = 'd3053228d68f67b15a8700cc2e1ccfee12aaf391f19d3c69c945e87a02372d16';
const fetchedAt = new Date('2026-03-01T12:00:00.000Z');

let now: Date;
const ok = (body = BODY, headers: Record<string, string> = { 'cache-control': 'max-age=600' }): FetchResponse => ({
  url,
  status: 200,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(body),
  fetchedAt,
});
const fetch = jest.fn<Promise<FetchResponse>, [string, FetchOptions]>();
const resolver = () => new CimdResolver({ fetch }, { clock: () => now });
const later = (ms: number) => (now = new Date(now.getTime() + ms));

beforeEach(() => {
  now = fetchedAt;
  fetch.mockReset();
});

describe('CimdResolver', () => {
  it('fetches with a 5 KB cap and returns checked metadata with the evidence an auditor needs', async () => {
    fetch.mockResolvedValue(ok());
    expect(await resolver().resolve(url)).toEqual({
      ok: true,
      metadata: {
        client_id: url,
        redirect_uris: ['https://notes.example.com/cb'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      evidence: { url, sha256: BODY_SHA256, fetched_at: '2026-03-01T12:00:00.000Z', status: 200, cache_ttl_s: 600, cached: false },
    });
    expect(fetch).toHaveBeenCalledWith(url, { maxBytes: 5120 });
  });

  it.each([
    ['text/html', { 'content-type': 'text/html; charset=utf-8' }, 'Content-Type "text/html"'],
    ['text/plain', { 'content-type': 'text/plain' }, 'Content-Type "text/plain"'],
    ['no content type', { 'content-type': undefined as unknown as string }, 'no Content-Type'],
  ])('a JSON body served as %s (an uploaded file or an error page) is refused with ERR_CIMD_CONTENT_TYPE', async (_name, headers, served) => {
    const response = ok(BODY, headers as Record<string, string>);
    if (response.headers['content-type'] === undefined) delete response.headers['content-type'];
    fetch.mockResolvedValue(response);
    expect(await resolver().resolve(url)).toEqual(refused('ERR_CIMD_CONTENT_TYPE', `the document must be served as application/json or a +json type; it was served with ${served}`));
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/oauth-client+json'])('accepts a document served as %s', async (type) => {
    fetch.mockResolvedValue(ok(BODY, { 'content-type': type }));
    expect(await resolver().resolve(url)).toMatchObject({ ok: true });
  });

  it('serves from cache until the TTL passes, marking the evidence cached', async () => {
    fetch.mockResolvedValue(ok());
    const cimd = resolver();
    await cimd.resolve(url);
    later(599_999);
    const cached = await cimd.resolve(url);
    expect(cached).toMatchObject({ ok: true, evidence: { cached: true, cache_ttl_s: 600, fetched_at: '2026-03-01T12:00:00.000Z' } });
    expect(fetch).toHaveBeenCalledTimes(1);
    later(1);
    expect(await cimd.resolve(url)).toMatchObject({ ok: true, evidence: { cached: false } });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('hands out copies: editing a result does not edit the cache', async () => {
    fetch.mockResolvedValue(ok());
    const cimd = resolver();
    const first = await cimd.resolve(url);
    if (first.ok) first.metadata.redirect_uris?.push('https://evil.example/cb');
    const second = await cimd.resolve(url);
    expect(second.ok && second.metadata.redirect_uris).toEqual(['https://notes.example.com/cb']);
  });

  it.each([
    [FetchErrorCode.InvalidUrl, 'URL is not valid', undefined],
    [FetchErrorCode.BlockedAddress, 'notes.example.com resolves to special-use address 10.0.0.1 (private)', undefined],
    [FetchErrorCode.Dns, 'DNS lookup for notes.example.com failed (ENOTFOUND)', undefined],
    [FetchErrorCode.Connect, 'could not connect to notes.example.com:443 (ECONNREFUSED)', undefined],
    [FetchErrorCode.Timeout, 'fetching from notes.example.com took longer than 5000 ms', undefined],
    [FetchErrorCode.TooLarge, 'response from notes.example.com exceeds 5120 bytes', undefined],
    [FetchErrorCode.Redirect, 'notes.example.com answered 302; redirects are never followed', 302],
    [FetchErrorCode.Status, 'notes.example.com answered 404; only 200 counts', 404],
  ])('maps %s to a problem with the same code', async (code, message, status) => {
    fetch.mockRejectedValue(new FetchError(code, message, status));
    expect(await resolver().resolve(url)).toEqual(refused(code, message));
  });

  it('reports an unexpected fetch failure without its details', async () => {
    fetch.mockRejectedValue(new Error('socket internals: secret-ish detail'));
    expect(await resolver().resolve(url)).toEqual(refused('ERR_CIMD_FETCH_FAILED', 'fetching the client metadata document failed unexpectedly'));
  });

  it('never caches a failure as a document, but holds it for the negative TTL so the target is not hammered', async () => {
    fetch.mockRejectedValueOnce(new FetchError(FetchErrorCode.Status, 'notes.example.com answered 503; only 200 counts', 503));
    fetch.mockResolvedValue(ok());
    const cimd = resolver();
    const failed = await cimd.resolve(url);
    expect(failed).toMatchObject({ ok: false, problems: [{ code: 'ERR_FETCH_STATUS' }] });
    later(9_999);
    expect(await cimd.resolve(url)).toEqual(failed);
    expect(fetch).toHaveBeenCalledTimes(1);
    later(1);
    expect(await cimd.resolve(url)).toMatchObject({ ok: true, evidence: { cached: false } });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('never caches an invalid document: it is fetched again once the negative TTL passes', async () => {
    fetch.mockResolvedValueOnce(ok(BODY.replace('"client_id"', '"client_secret":"s","client_id"')));
    fetch.mockResolvedValue(ok());
    const cimd = resolver();
    expect(await cimd.resolve(url)).toEqual(refused('ERR_CIMD_CLIENT_SECRET', 'the document must not contain client_secret'));
    later(10_000);
    expect(await cimd.resolve(url)).toMatchObject({ ok: true, evidence: { cached: false } });
  });

  it('rejects a bad client id URL without fetching or caching anything', async () => {
    expect(await resolver().resolve('http://notes.example.com/client.json')).toEqual(refused('ERR_CIMD_URL_NOT_HTTPS', 'client_id must use https, not http:'));
    expect(await resolver().resolve(`${url}#x`)).toMatchObject({ ok: false, problems: [{ code: 'ERR_CIMD_URL_FRAGMENT' }] });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('clamps the cache TTL to the configured bounds and reports the clamped value', async () => {
    fetch.mockResolvedValue(ok(BODY, { 'cache-control': 'no-store' }));
    const cimd = new CimdResolver({ fetch }, { clock: () => now, cache: { minTtlMs: 30_000 } });
    expect(await cimd.resolve(url)).toMatchObject({ ok: true, evidence: { cache_ttl_s: 30 } });
    later(29_999);
    expect(await cimd.resolve(url)).toMatchObject({ evidence: { cached: true } });
    later(1);
    expect(await cimd.resolve(url)).toMatchObject({ evidence: { cached: false } });
  });

  it('purges by client id and by origin, so a revocation forces a fresh fetch', async () => {
    fetch.mockResolvedValue(ok());
    const cimd = resolver();
    await cimd.resolve(url);
    expect(cimd.purge({ clientId: url })).toBe(1);
    expect(await cimd.resolve(url)).toMatchObject({ evidence: { cached: false } });
    expect(cimd.purge({ origin: 'https://notes.example.com' })).toBe(1);
    expect(await cimd.resolve(url)).toMatchObject({ evidence: { cached: false } });
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});
