// Real: SafeFetcher's URL parsing, SSRF guard, limiter and timers. Stubbed: DNS (an injected resolver) and TLS connect (a spy that fails the test if called): nothing here can open a connection.
import { isIP } from 'node:net';
import { ConnectionOptions, TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { parsedUrl } from '@admit/contracts';
import { ResolvedAddress } from './checked-addresses';
import { FetchError, FetchErrorCode } from './fetcher';
import { SafeFetcher } from './safe-fetcher';

const RUNS = { numRuns: 200 };
const CAP = { maxBytes: 5120 };

/** Never a real socket: any call is recorded, throws, and fails the test in afterEach and in the property itself. */
const connect = jest.fn<TLSSocket, [ConnectionOptions]>(() => {
  throw new Error('connect was called: a fetch that must be blocked reached the network layer');
});

afterEach(() => {
  const calls = connect.mock.calls.length;
  connect.mockClear();
  expect(calls).toBe(0);
});

function fetcherAnswering(addresses: string[]) {
  const resolver = jest.fn(async (_host: string): Promise<ResolvedAddress[]> => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  return { resolver, fetcher: new SafeFetcher({ connect, resolver }) };
}

async function expectRefused(url: string, addresses: string[], codes: readonly string[]): Promise<void> {
  const { fetcher } = fetcherAnswering(addresses);
  const error = await fetcher.fetch(url, CAP).then(
    () => new Error(`fetched ${url}`),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(FetchError);
  const { code } = error as FetchError;
  expect({ url, code, expected: codes.includes(code) }).toEqual({ url, code, expected: true });
  expect(connect).not.toHaveBeenCalled();
}

// ---- special-use addresses, from the IANA registries (RFC 6890 and successors) ------------------

const V4_RANGES: ReadonlyArray<readonly [number, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4], ['100.100.100.200', 32],
].map(([net, prefix]) => [toInt(net as string), prefix as number] as const);

function toInt(dotted: string): number {
  return dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** A 32-bit address inside one of the special-use IPv4 ranges. */
const specialV4 = fc
  .tuple(fc.constantFrom(...V4_RANGES), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([[network, prefix], bits]) => (network + (prefix === 32 ? 0 : bits % 2 ** (32 - prefix))) >>> 0);
const anyV4 = fc.integer({ min: 0, max: 0xffffffff });

const octets = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const dotted = (n: number) => octets(n).join('.');
const hex16 = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)].join(':');

type Radix = 'dec' | 'oct' | 'hex' | 'HEX';
const radix = fc.constantFrom<Radix>('dec', 'oct', 'hex', 'HEX');
function inRadix(value: number, r: Radix, zeros: number): string {
  if (r === 'dec') return String(value);
  if (r === 'oct') return `0${'0'.repeat(zeros)}${value.toString(8)}`;
  return `${r === 'hex' ? '0x' : '0X'}${'0'.repeat(zeros)}${r === 'hex' ? value.toString(16) : value.toString(16).toUpperCase()}`;
}

/** WHATWG IPv4 parsing accepts 1 to 4 parts, each decimal, octal or hex; the last part fills the remaining bytes. */
const numericV4 = (address: fc.Arbitrary<number>) =>
  fc
    .record({
      n: address,
      parts: fc.integer({ min: 1, max: 4 }),
      radixes: fc.array(radix, { minLength: 4, maxLength: 4 }),
      zeros: fc.integer({ min: 0, max: 3 }),
      trailingDot: fc.boolean(),
      dress: fc.constantFrom('ascii', 'fullwidth', 'ideographic-stop', 'percent'),
    })
    .map(({ n, parts, radixes, zeros, trailingDot, dress }) => {
      const [a, b, c, d] = octets(n);
      const values = parts === 1 ? [n] : parts === 2 ? [a, n & 0xffffff] : parts === 3 ? [a, b, (c << 8) | d] : [a, b, c, d];
      let host = values.map((v, i) => inRadix(v, radixes[i], zeros)).join('.') + (trailingDot ? '.' : '');
      if (dress === 'fullwidth') host = host.replace(/[0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
      if (dress === 'ideographic-stop') host = host.replace(/\./g, '。');
      if (dress === 'percent') host = host.replace(/[0-9]/, (ch) => `%3${ch}`);
      return host;
    });

/** IPv6 literals that carry an IPv4 address: mapped, compatible, NAT64 (well-known and local-use), in several spellings. */
const embeddedV4 = (address: fc.Arbitrary<number>) =>
  fc
    .tuple(
      address,
      fc.constantFrom('::ffff:', '0:0:0:0:0:ffff:', '0000:0000:0000:0000:0000:FFFF:', '::', '64:ff9b::', '64:FF9B:0:0:0:0:', '64:ff9b:1::', '::ffff:0:'),
      fc.boolean(),
    )
    .map(([n, prefix, asHex]) => `[${prefix}${asHex ? hex16(n) : dotted(n)}]`);

/** Special-use IPv6 outside the IPv4 embeddings: loopback, unspecified, ULA, link-local, multicast, documentation, 6to4, Teredo, discard, non-global. */
const specialV6 = fc
  .tuple(
    fc.constantFrom('::1', '::', 'fd00:ec2::254', 'fc00::', 'fdff:ffff::', 'fe80::', 'febf::', 'ff02::', 'ff0e::', '2001:db8::', '2002::', '2001::', '100::', '3fff::', '4000::', '::2'),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 0, maxLength: 2 }),
    fc.boolean(),
  )
  .map(([base, tail, upper]) => {
    // Fill the low bits only where the prefix leaves room: replace a trailing '::' with random groups.
    const address = base.endsWith('::') && base !== '::' && tail.length > 0 ? `${base}${tail.map((t) => t.toString(16)).join(':')}` : base;
    return upper ? address.toUpperCase() : address;
  })
  .filter((a) => isIP(a) === 6);

const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }).map((p) => (p === undefined ? '' : `:${p}`));
const path = fc.constantFrom('/', '/client.json', '/latest/meta-data/', '/a?b=c');

describe('SafeFetcher SSRF guard (property; connect is a spy that must never be called)', () => {
  it('numeric IPv4 notations of special-use addresses (decimal, octal, hex, short forms, fullwidth, percent) are blocked or refused as invalid', async () => {
    await fc.assert(
      fc.asyncProperty(numericV4(specialV4), port, path, async (host, p, rest) => {
        await expectRefused(`https://${host}${p}${rest}`, ['127.0.0.1'], [FetchErrorCode.BlockedAddress, FetchErrorCode.InvalidUrl]);
      }),
      {
        ...RUNS,
        examples: [
          ['2130706433', '', '/'],
          ['0177.0.0.1', '', '/'],
          ['0x7f.1', '', '/'],
          ['127.1', '', '/'],
          ['0xA9.0xFE.0xA9.0xFE', '', '/latest/meta-data/'],
        ],
      },
    );
  });

  it('a numeric notation WHATWG URL accepts is always blocked, never only "invalid"', async () => {
    await fc.assert(
      fc.asyncProperty(numericV4(specialV4), async (host) => {
        const url = `https://${host}/x`;
        fc.pre(parsedUrl(url) !== undefined);
        await expectRefused(url, ['127.0.0.1'], [FetchErrorCode.BlockedAddress]);
      }),
      RUNS,
    );
  });

  it('IPv4-mapped, IPv4-compatible and NAT64 IPv6 literals are blocked, whatever IPv4 address they embed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(embeddedV4(specialV4), embeddedV4(anyV4)), port, path, async (host, p, rest) => {
        await expectRefused(`https://${host}${p}${rest}`, ['127.0.0.1'], [FetchErrorCode.BlockedAddress, FetchErrorCode.InvalidUrl]);
      }),
      { ...RUNS, examples: [['[::ffff:127.0.0.1]', '', '/'], ['[64:ff9b::169.254.169.254]', '', '/'], ['[::10.0.0.1]', '', '/']] },
    );
  });

  it('special-use IPv6 literals are blocked', async () => {
    await fc.assert(
      fc.asyncProperty(specialV6, port, async (address, p) => {
        await expectRefused(`https://[${address}]${p}/x`, ['127.0.0.1'], [FetchErrorCode.BlockedAddress]);
      }),
      RUNS,
    );
  });

  it('any hostname whose resolver answers a special-use address (among public ones, in any spelling) is blocked', async () => {
    const hostname = fc.oneof(
      fc.domain(),
      fc.constantFrom('localhost', 'metadata.google.internal', 'xn--pple-43d.example', 'аpple.example', 'LOCALHOST.', 'a.b.c.d.e.f.example'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    );
    const specialAnswer = fc.oneof(
      specialV4.map(dotted),
      specialV6,
      specialV6.filter((a) => a.toLowerCase().startsWith('fe80')).map((a) => `${a}%eth0`),
      specialV4.map((n) => `::ffff:${dotted(n)}`),
      anyV4.map((n) => `64:ff9b::${dotted(n)}`),
      // Fails closed: an answer that is not an address at all is refused too.
      fc.constantFrom('', 'localhost', '0177.0.0.1', '127.0.0.1 ', 'not-an-ip'),
    );
    const publicAnswer = fc.constantFrom('93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e');
    await fc.assert(
      fc.asyncProperty(
        hostname,
        port,
        fc.tuple(fc.array(publicAnswer, { maxLength: 3 }), specialAnswer, fc.nat()).map(([pub, special, at]) => {
          const answers: string[] = [...pub];
          answers.splice(at % (pub.length + 1), 0, special);
          return answers;
        }),
        async (name, p, answers) => {
          const url = `https://${name}${p}/client.json`;
          // IP-literal hosts are the cases above; this one is about what DNS answers.
          const parsed = parsedUrl(url);
          fc.pre(!parsed || isIP(parsed.hostname.replace(/^\[(.*)\]$/, '$1')) === 0);
          // Only a URL WHATWG refuses, or one that gained credentials from an `@` in the name, may be "invalid" rather than blocked.
          const invalid = !parsed || parsed.username !== '' || parsed.password !== '';
          await expectRefused(url, answers, invalid ? [FetchErrorCode.BlockedAddress, FetchErrorCode.InvalidUrl] : [FetchErrorCode.BlockedAddress]);
        },
      ),
      RUNS,
    );
  });

  it('a resolver that fails or answers nothing ends in ERR_FETCH_DNS, never a connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.domain(), fc.oneof(fc.constant(null), fc.string(), fc.constantFrom('ENOTFOUND', 'EAI_AGAIN')), async (name, failure) => {
        const resolver = jest.fn(async (): Promise<ResolvedAddress[]> => {
          if (failure === null) return [];
          throw Object.assign(new Error('lookup failed'), { code: failure });
        });
        const error = await new SafeFetcher({ connect, resolver }).fetch(`https://${name}/x`, CAP).then(
          () => new Error('fetched'),
          (err: unknown) => err,
        );
        expect(error).toMatchObject({ code: FetchErrorCode.Dns });
        expect(connect).not.toHaveBeenCalled();
      }),
      { numRuns: 100 },
    );
  });
});
