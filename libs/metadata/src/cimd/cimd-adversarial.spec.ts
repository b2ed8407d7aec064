// Real: CimdResolver over SafeFetcher, TLS and HTTP to a loopback HTTPS fixture (CA generated for this
// run). Stubbed: DNS (an injected resolver) and tls.connect, wrapped by a spy; where an address is
// blocked, the spy throws and must never be called. No connection leaves 127.0.0.0/8.
import { createHash } from 'node:crypto';
import { ConnectionOptions, connect as tlsConnect, TLSSocket } from 'node:tls';
import { ResolvedAddress } from '../fetch/checked-addresses';
import { SafeFetcher } from '../fetch/safe-fetcher';
import { HttpsFixture, publishedDocument, refused, startHttpsFixture } from '../testing';
import { CimdResolver } from './cimd-resolver';

let fixture: HttpsFixture;
const loopbackOnly = jest.fn<TLSSocket, [ConnectionOptions]>((options) => {
  if (!/^127\./.test(options.host ?? '')) throw new Error(`test tried to connect to ${options.host}`);
  return tlsConnect(options);
});
const neverConnect = jest.fn<TLSSocket, [ConnectionOptions]>(() => {
  throw new Error('the connect spy was called: a blocked fetch reached the network layer');
});
const resolveTo = (address: string) => async (): Promise<ResolvedAddress[]> => [{ address, family: address.includes(':') ? 6 : 4 }];
const id = (name: string) => `${fixture.origin}/clients/${name}.json`;

/** Admit as it runs in tests: the fixture's CA trusted and exactly localhost:PORT allowed to be loopback. */
const admit = () =>
  new CimdResolver(new SafeFetcher({ connect: loopbackOnly, resolver: resolveTo('127.0.0.1'), ca: fixture.caPem, allowLoopback: [`localhost:${fixture.port}`] }));
/** Admit as it runs in production: no allow-list, and a connect that must never be reached. */
const production = (address = '127.0.0.1') => new CimdResolver(new SafeFetcher({ connect: neverConnect, resolver: resolveTo(address), ca: fixture.caPem }));

beforeAll(async () => {
  fixture = await startHttpsFixture();
  const serve = (name: string, body: unknown, headers: Record<string, string> = {}) => fixture.route(`/clients/${name}.json`, { body, headers });
  serve('published', JSON.stringify(publishedDocument(id('published')), null, 2), { 'cache-control': 'public, max-age=3600' });
  serve('mismatch', { client_id: id('someone-else'), redirect_uris: ['https://notes.example.com/cb'] });
  serve('secret', { client_id: id('secret'), client_secret: 'hunter2', redirect_uris: ['https://notes.example.com/cb'] });
  serve('private-key', { client_id: id('private-key'), redirect_uris: ['https://notes.example.com/cb'], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }] } });
  serve('six-kb', { client_id: id('six-kb'), redirect_uris: ['https://notes.example.com/cb'], x_padding: 'x'.repeat(6144) });
  fixture.route('/clients/moved.json', { status: 302, headers: { location: `${fixture.origin}/clients/published.json` } });
});
afterAll(() => fixture.close());
afterEach(() => {
  loopbackOnly.mockClear();
  const calls = neverConnect.mock.calls.length;
  neverConnect.mockClear();
  expect(calls).toBe(0);
});

describe('CIMD admission, adversarial', () => {
  it('accepts a realistic published document with extra fields, with evidence of the exact bytes', async () => {
    const served = JSON.stringify(publishedDocument(id('published')), null, 2);
    const result = await admit().resolve(id('published'));
    expect(result).toEqual({
      ok: true,
      metadata: publishedDocument(id('published')),
      evidence: {
        url: id('published'),
        sha256: createHash('sha256').update(served).digest('hex'),
        fetched_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        status: 200,
        cache_ttl_s: 3600,
        cached: false,
      },
    });
  });

  it.each([
    ['a document whose client_id mismatches', 'ERR_CIMD_CLIENT_ID_MISMATCH', 'mismatch', () => `client_id ${JSON.stringify(id('someone-else'))} is not the URL fetched, ${JSON.stringify(id('mismatch'))}`],
    ['a document holding a secret', 'ERR_CIMD_CLIENT_SECRET', 'secret', () => 'the document must not contain client_secret'],
    ['a document holding a private key', 'ERR_CIMD_PRIVATE_KEY', 'private-key', () => 'jwks must hold public keys only; it contains private or symmetric key material'],
    ['a 6 KB document', 'ERR_FETCH_TOO_LARGE', 'six-kb', () => `response from localhost:${fixture.port} exceeds 5120 bytes`],
    ['a missing document', 'ERR_FETCH_STATUS', 'missing', () => `localhost:${fixture.port} answered 404; only 200 counts`],
  ])('rejects %s: %s', async (_what, code, name, description) => {
    expect(await admit().resolve(id(name))).toEqual(refused(code, description()));
  });

  it('rejects a redirect (302) without following it: ERR_FETCH_REDIRECT', async () => {
    const before = fixture.requests.length;
    expect(await admit().resolve(id('moved'))).toEqual(refused('ERR_FETCH_REDIRECT', `localhost:${fixture.port} answered 302; redirects are never followed`));
    expect(fixture.requests.slice(before).map((r) => r.path)).toEqual(['/clients/moved.json']);
  });

  it('rejects http:// (ERR_CIMD_URL_NOT_HTTPS) and a fragment (ERR_CIMD_URL_FRAGMENT) before any fetch', async () => {
    expect(await production().resolve(`http://localhost:${fixture.port}/clients/published.json`)).toEqual(refused('ERR_CIMD_URL_NOT_HTTPS', 'client_id must use https, not http:'));
    expect(await production().resolve(`${id('published')}#frag`)).toEqual(refused('ERR_CIMD_URL_FRAGMENT', 'client_id must not contain a fragment'));
  });

  describe('loopback with the allow-list unset', () => {
    it.each([
      ['https://127.0.0.1/clients/a.json', '127.0.0.1 resolves to special-use address 127.0.0.1 (loopback)'],
      ['https://[::1]/clients/a.json', '::1 resolves to special-use address ::1 (loopback)'],
      ['https://[::ffff:7f00:1]/clients/a.json', '::ffff:7f00:1 resolves to special-use address ::ffff:7f00:1 (ipv4-mapped)'],
      ['https://localhost/clients/a.json', 'localhost resolves to special-use address 127.0.0.1 (loopback)'],
    ])('blocks %s: ERR_FETCH_BLOCKED_ADDRESS, never connecting', async (url, description) => {
      expect(await production().resolve(url)).toEqual(refused('ERR_FETCH_BLOCKED_ADDRESS', description));
    });

    it('blocks the fixture itself: the allow-list is what let the cases above through', async () => {
      expect(await production().resolve(id('published'))).toEqual(refused('ERR_FETCH_BLOCKED_ADDRESS', 'localhost resolves to special-use address 127.0.0.1 (loopback)'));
    });

    // Client ids are compared as strings, so the other spellings never get as far as the fetcher.
    it.each([
      ['https://127.1/clients/a.json', 'https://127.0.0.1/clients/a.json'],
      ['https://2130706433/clients/a.json', 'https://127.0.0.1/clients/a.json'],
      ['https://[::ffff:127.0.0.1]/clients/a.json', 'https://[::ffff:7f00:1]/clients/a.json'],
    ])('refuses %s as not canonical: ERR_CIMD_URL_NOT_CANONICAL', async (url, canonical) => {
      expect(await production().resolve(url)).toEqual(refused('ERR_CIMD_URL_NOT_CANONICAL', `client_id must be given in its canonical form ${JSON.stringify(canonical)}; client ids are compared as plain strings`));
    });
  });

  it.each([
    ['10.0.0.8', 'private'],
    ['172.20.1.1', 'private'],
    ['192.168.1.20', 'private'],
    ['100.64.0.9', 'cgnat'],
    ['169.254.10.10', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['169.254.170.2', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::8', 'unique-local'],
    ['::ffff:169.254.169.254', 'ipv4-mapped'],
    ['64:ff9b::a9fe:a9fe', 'nat64'],
  ])('blocks a client id host resolving to %s (%s): ERR_FETCH_BLOCKED_ADDRESS, never connecting', async (address, range) => {
    expect(await production(address).resolve('https://client.example/oauth/metadata.json')).toEqual(refused('ERR_FETCH_BLOCKED_ADDRESS', `client.example resolves to special-use address ${address} (${range})`));
  });
});
