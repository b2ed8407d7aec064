// Real: checkClientIdUrl and the WHATWG URL parser; nothing stubbed, no I/O (fast-check generates the URLs).
import { parsedUrl } from '@admit/contracts';
import fc from 'fast-check';
import { CimdErrorCode } from './cimd-problem';
import { checkClientIdUrl } from './client-id-url';

const RUNS = { numRuns: 300 };
const URL_CODES: readonly string[] = [
  CimdErrorCode.UrlInvalid,
  CimdErrorCode.UrlNotHttps,
  CimdErrorCode.UrlUserinfo,
  CimdErrorCode.UrlFragment,
  CimdErrorCode.UrlDotSegment,
  CimdErrorCode.UrlNoPath,
  CimdErrorCode.UrlNotCanonical,
  CimdErrorCode.UrlTrailingDot,
];

/**
 * The draft's rules (§3) plus Admit's "already canonical", stated without the implementation's
 * raw-string scanning: https, `new URL(s).href === s`, a path other than /, no fragment, no
 * userinfo, no dot segment, no trailing dot on the host name, at most 2048 characters.
 */
function allowed(raw: string): boolean {
  if (raw.length > 2048) return false;
  const url = parsedUrl(raw);
  if (!url) return false;
  return (
    url.href === raw &&
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    !raw.includes('#') &&
    url.pathname !== '/' &&
    !url.hostname.endsWith('.') &&
    !url.pathname.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))
  );
}

function expectJudged(raw: string): void {
  const result = checkClientIdUrl(raw);
  if (result.ok) {
    expect(result.url.href).toBe(raw);
  } else {
    expect(URL_CODES).toContain(result.problem.code);
    expect(result.problem.error).toBe('invalid_client_metadata');
    expect(typeof result.problem.description).toBe('string');
    expect(result.problem.description.length).toBeLessThanOrEqual(2048);
  }
  // Both directions: nothing outside the rules is accepted, and nothing inside them refused.
  expect([raw, result.ok]).toEqual([raw, allowed(raw)]);
}

const host = fc.oneof(
  fc.domain(),
  fc.constantFrom('client.example', 'xn--pple-43d.example', '127.0.0.1', '[2001:db8::1]', '[::ffff:7f00:1]', 'localhost'),
);
const path = fc.oneof(
  fc.webPath(),
  fc.array(fc.constantFrom('a', 'client.json', '.well-known', '...', '.a', 'a.', '%2e%2e%2f', '%2F', 'x%20y', 'ü', '%C3%BC'), { minLength: 1, maxLength: 4 }).map(
    (segments) => `/${segments.join('/')}`,
  ),
);
const httpsUrl = fc
  .tuple(host, path, fc.option(fc.webQueryParameters(), { nil: undefined }))
  .map(([h, p, q]) => `https://${h}${p}${q === undefined ? '' : `?${q}`}`);

/** Tokens that each break one rule or dress a URL up as another: dot segments, separators, userinfo, homographs, control characters. */
const token = fc.constantFrom(
  '.', '..', '/.', '/..', '/./', '/../', '%2e', '%2E', '%2e%2E', '.%2e', '%2e.', '/%2e%2E/', '\\', '\\..\\', '\t', '\n', '\r', ' ', '\u0000',
  '@', 'user@', 'user:pass@', ':@', '#', '#frag', '?', '?#', ':443', ':8443', ':', ':0', '//', '%', '%zz', '%00', '%2f', '%40',
  'а', 'е', 'о', 'ο', 'і', 'ı', 'ß', 'ｅ', '。', '\u200b', '\u00ad', '\u202e', 'A', 'Ü', '🚀', '\ud800',
);
const homoglyphs: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', i: 'і', '.': '。' };

type Mutation = { kind: 'insert'; at: number; token: string } | { kind: 'homoglyph'; at: number } | { kind: 'scheme'; scheme: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), token }),
  fc.record({ kind: fc.constant('homoglyph' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('scheme' as const), scheme: fc.constantFrom('HTTPS:', 'Https:', 'http:', 'https:/', 'https:', 'https:\\\\', ' https:', 'https\t:', 'wss:', 'file:') }),
);

function mutate(raw: string, mutations: Mutation[]): string {
  return mutations.reduce((s, m) => {
    if (m.kind === 'scheme') return s.replace(/^https:/, m.scheme);
    const i = Math.floor(m.at * s.length);
    if (m.kind === 'insert') return s.slice(0, i) + m.token + s.slice(i);
    const swapped = homoglyphs[s[i]];
    return swapped ? s.slice(0, i) + swapped + s.slice(i + 1) : s;
  }, raw);
}

describe('checkClientIdUrl under hostile URLs (property)', () => {
  it('the oracle knows every rule the mutations can break, the host\'s trailing dot too', () => {
    expectJudged('https://client.example./client.json');
    expect(checkClientIdUrl('https://client.example./client.json')).toMatchObject({ ok: false, problem: { code: CimdErrorCode.UrlTrailingDot } });
  });

  it('arbitrary strings: accepted exactly when the rules allow, otherwise an ERR_CIMD_URL_* problem', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webUrl({ withFragments: true, withQueryParameters: true })), expectJudged),
      RUNS,
    );
  });

  it('canonical https URLs with a path are accepted', () => {
    let accepted = 0;
    fc.assert(
      fc.property(httpsUrl, (raw) => {
        expectJudged(raw);
        if (checkClientIdUrl(raw).ok) accepted += 1;
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it('mutated https URLs (dot segments, %2e, backslashes, tabs, userinfo, fragments, ports, IDN homographs, scheme case) are judged by the rules', () => {
    fc.assert(
      fc.property(httpsUrl, fc.array(mutation, { minLength: 1, maxLength: 3 }), (raw, mutations) => {
        expectJudged(mutate(raw, mutations));
      }),
      {
        ...RUNS,
        examples: [
          ['https://client.example/a/b', [{ kind: 'insert', at: 0.99, token: '/%2e%2E/' }]],
          ['https://apple.example/client', [{ kind: 'homoglyph', at: 0.3 }]],
          ['https://client.example/a', [{ kind: 'insert', at: 0.4, token: 'user@' }]],
          ['https://client.example/a', [{ kind: 'scheme', scheme: 'HTTPS:' }]],
        ],
      },
    );
  });

  it('long inputs: refused past 2048 characters, whatever they contain', () => {
    fc.assert(
      fc.property(httpsUrl, fc.integer({ min: 1900, max: 5000 }), (raw, length) => {
        const long = `${raw}/${'a'.repeat(Math.max(0, length - raw.length - 1))}`;
        expectJudged(long);
      }),
      { numRuns: 50 },
    );
  });
});
