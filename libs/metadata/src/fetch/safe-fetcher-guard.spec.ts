// Real: SafeFetcher's URL parsing, SSRF guard and timers. Stubbed: DNS (an injected resolver) and the
// TLS connect, a spy that throws if called: no test here may open any connection.
import { ConnectionOptions, TLSSocket } from 'node:tls';
import { FetchErrorCode } from './fetcher';
import { ResolvedAddress } from './checked-addresses';
import { SafeFetcher, SafeFetcherOptions } from './safe-fetcher';

const connect = jest.fn<TLSSocket, [ConnectionOptions]>(() => {
  throw new Error('the connect spy was called: a blocked fetch reached the network layer');
});
const resolveTo = (...addresses: string[]) =>
  jest.fn(async (_host: string): Promise<ResolvedAddress[]> => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
const fetcher = (options: SafeFetcherOptions = {}) => new SafeFetcher({ connect, resolver: resolveTo('127.0.0.1'), ...options });
const cap = { maxBytes: 5120 };
const blocked = (host: string, address: string, range: string) => ({ code: FetchErrorCode.BlockedAddress, message: `${host} resolves to special-use address ${address} (${range})` });

afterEach(() => {
  jest.useRealTimers();
  const calls = connect.mock.calls.length;
  connect.mockClear();
  expect(calls).toBe(0);
});

describe('SafeFetcher guard', () => {
  it.each([
    ['http://client.example/metadata.json', FetchErrorCode.NotHttps, 'only https URLs are fetched, not http:'],
    ['ftp://client.example/metadata.json', FetchErrorCode.NotHttps, 'only https URLs are fetched, not ftp:'],
    ['file:///etc/passwd', FetchErrorCode.NotHttps, 'only https URLs are fetched, not file:'],
    ['not a url', FetchErrorCode.InvalidUrl, 'URL is not valid'],
    ['https://', FetchErrorCode.InvalidUrl, 'URL is not valid'],
    ['https://user:pass@client.example/metadata.json', FetchErrorCode.InvalidUrl, 'URL must not contain credentials'],
  ])('refuses %s before any DNS lookup', async (url, code, message) => {
    const resolver = resolveTo('93.184.215.14');
    await expect(fetcher({ resolver }).fetch(url, cap)).rejects.toMatchObject({ code, message });
    expect(resolver).not.toHaveBeenCalled();
  });

  it.each([
    ['https://127.0.0.1/x', '127.0.0.1', 'loopback'],
    ['https://127.1/x', '127.0.0.1', 'loopback'],
    ['https://2130706433/x', '127.0.0.1', 'loopback'],
    ['https://0x7f.1/x', '127.0.0.1', 'loopback'],
    ['https://0177.0.0.1/x', '127.0.0.1', 'loopback'],
    ['https://[::1]/x', '::1', 'loopback'],
    ['https://[::ffff:127.0.0.1]/x', '::ffff:7f00:1', 'ipv4-mapped'],
    ['https://[::ffff:7f00:1]/x', '::ffff:7f00:1', 'ipv4-mapped'],
    ['https://10.1.2.3/x', '10.1.2.3', 'private'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254', 'cloud-metadata'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254', 'cloud-metadata'],
    ['https://0/x', '0.0.0.0', 'this-network'],
  ])('blocks the IP-literal URL %s without DNS', async (url, address, range) => {
    const resolver = resolveTo('93.184.215.14');
    await expect(fetcher({ resolver }).fetch(url, cap)).rejects.toMatchObject(blocked(address, address, range));
    expect(resolver).not.toHaveBeenCalled();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.3.4', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.1.1', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['169.254.170.2', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['0.0.0.0', 'this-network'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['::ffff:10.0.0.1', 'ipv4-mapped'],
    ['64:ff9b::a9fe:a9fe', 'nat64'],
    ['2002:a00:1::1', '6to4'],
    ['2001:0:a00:1::1', 'teredo'],
  ])('blocks a hostname that resolves to %s (%s)', async (address, range) => {
    const resolver = resolveTo(address);
    await expect(fetcher({ resolver }).fetch('https://client.example/metadata.json', cap)).rejects.toMatchObject(blocked('client.example', address, range));
    expect(resolver).toHaveBeenCalledWith('client.example');
  });

  it('blocks when any one of several answers is special-use, whatever its position', async () => {
    const resolver = resolveTo('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '10.0.0.7');
    await expect(fetcher({ resolver }).fetch('https://client.example/m.json', cap)).rejects.toMatchObject(blocked('client.example', '10.0.0.7', 'private'));
  });

  it('blocks a resolver answer that is not an IP address', async () => {
    await expect(fetcher({ resolver: resolveTo('evil.example') }).fetch('https://client.example/m.json', cap)).rejects.toMatchObject(blocked('client.example', 'evil.example', 'not-an-ip-address'));
  });

  it('unlocks only loopback for an allow-listed host:port, never a private or metadata address', async () => {
    const allowLoopback = ['internal.example:443', '169.254.169.254:443', '[::ffff:7f00:1]:443'];
    await expect(fetcher({ allowLoopback, resolver: resolveTo('10.0.0.1') }).fetch('https://internal.example/m.json', cap)).rejects.toMatchObject(blocked('internal.example', '10.0.0.1', 'private'));
    await expect(fetcher({ allowLoopback }).fetch('https://169.254.169.254/m.json', cap)).rejects.toMatchObject(blocked('169.254.169.254', '169.254.169.254', 'cloud-metadata'));
    await expect(fetcher({ allowLoopback }).fetch('https://[::ffff:127.0.0.1]/m.json', cap)).rejects.toMatchObject(blocked('::ffff:7f00:1', '::ffff:7f00:1', 'ipv4-mapped'));
  });

  it('matches the allow-list on the exact host and port', async () => {
    const allowLoopback = ['localhost:8443'];
    for (const url of ['https://localhost:9443/m.json', 'https://localhost/m.json', 'https://localhost.:8443/m.json', 'https://sub.localhost:8443/m.json']) {
      await expect(fetcher({ allowLoopback }).fetch(url, cap)).rejects.toMatchObject({ code: FetchErrorCode.BlockedAddress });
    }
  });

  it('reports a failed lookup as ERR_FETCH_DNS with the resolver code', async () => {
    const resolver = jest.fn(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    });
    await expect(fetcher({ resolver }).fetch('https://nowhere.example/m.json', cap)).rejects.toMatchObject({
      code: FetchErrorCode.Dns,
      message: 'DNS lookup for nowhere.example failed (ENOTFOUND)',
    });
  });

  it('reports an empty answer as ERR_FETCH_DNS', async () => {
    await expect(fetcher({ resolver: resolveTo() }).fetch('https://empty.example/m.json', cap)).rejects.toMatchObject({
      code: FetchErrorCode.Dns,
      message: 'DNS lookup for empty.example returned no address',
    });
  });

  it('times out a lookup that never answers, within the total timeout', async () => {
    jest.useFakeTimers();
    const resolver = jest.fn(() => new Promise<ResolvedAddress[]>(() => undefined));
    const pending = fetcher({ resolver, totalTimeoutMs: 250 }).fetch('https://slow-dns.example/m.json', cap);
    const outcome = expect(pending).rejects.toMatchObject({
      code: FetchErrorCode.Timeout,
      message: 'fetching from slow-dns.example took longer than 250 ms',
    });
    await jest.advanceTimersByTimeAsync(249);
    expect(resolver).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await outcome;
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxBytes %p', async (maxBytes) => {
    await expect(fetcher().fetch('https://client.example/m.json', { maxBytes })).rejects.toThrow(`maxBytes must be a positive integer, got ${maxBytes}`);
  });
});
