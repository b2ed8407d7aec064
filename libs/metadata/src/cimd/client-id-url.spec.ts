// Real: checkClientIdUrl and the WHATWG URL parser. Nothing is stubbed; no I/O.
import { checkClientIdUrl } from './client-id-url';

const notCanonical = (href: string) => `client_id must be given in its canonical form ${JSON.stringify(href)}; client ids are compared as plain strings`;

describe('checkClientIdUrl (draft-ietf-oauth-client-id-metadata-document §3)', () => {
  it.each([
    'https://client.example/oauth/client-metadata.json',
    'https://client.example:8443/metadata.json',
    'https://client.example/metadata?version=2',
    'https://client.example/a/.well-known/metadata',
    'https://client.example/a/...',
    'https://xn--bcher-kva.example/client',
    'https://127.0.0.1/client.json',
    'https://[2001:db8::1]/client.json',
  ])('accepts %s', (raw) => {
    const result = checkClientIdUrl(raw);
    expect(result).toEqual({ ok: true, url: new URL(raw) });
  });

  it.each([
    ['not a url', 'ERR_CIMD_URL_INVALID', 'client_id "not a url" is not an absolute URL'],
    ['', 'ERR_CIMD_URL_INVALID', 'client_id "" is not an absolute URL'],
    [`https://client.example/${'a'.repeat(2048)}`, 'ERR_CIMD_URL_INVALID', 'client_id is longer than 2048 characters'],
    ['http://client.example/metadata.json', 'ERR_CIMD_URL_NOT_HTTPS', 'client_id must use https, not http:'],
    ['javascript:alert(1)', 'ERR_CIMD_URL_NOT_HTTPS', 'client_id must use https, not javascript:'],
    ['https://user:pass@client.example/metadata.json', 'ERR_CIMD_URL_USERINFO', 'client_id must not contain userinfo'],
    ['https://user@client.example/metadata.json', 'ERR_CIMD_URL_USERINFO', 'client_id must not contain userinfo'],
    ['https://@client.example/metadata.json', 'ERR_CIMD_URL_USERINFO', 'client_id must not contain userinfo'],
    ['https://client.example/metadata.json#frag', 'ERR_CIMD_URL_FRAGMENT', 'client_id must not contain a fragment'],
    ['https://client.example/metadata.json#', 'ERR_CIMD_URL_FRAGMENT', 'client_id must not contain a fragment'],
    ['https://client.example/a/../metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/./metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/..', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/%2e%2e/metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/%2E%2E/metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/.%2E/metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a/%2e/metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/a\\..\\metadata.json', 'ERR_CIMD_URL_DOT_SEGMENT', 'client_id must not contain . or .. path segments'],
    ['https://client.example/', 'ERR_CIMD_URL_NO_PATH', 'client_id must have a path other than /'],
    ['https://client.example', 'ERR_CIMD_URL_NO_PATH', 'client_id must have a path other than /'],
    ['https://client.example/a\\metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/a/metadata.json')],
    ['https://Client.Example/metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    ['https://client.example:443/metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    ['HTTPS://client.example/metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    [' https://client.example/metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    ['https://client.example/meta\tdata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    ['https:client.example/metadata.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/metadata.json')],
    ['https://client.example/bücher', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://client.example/b%C3%BCcher')],
    ['https://bücher.example/client', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://xn--bcher-kva.example/client')],
    ['https://127.1/client.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://127.0.0.1/client.json')],
    ['https://2130706433/client.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://127.0.0.1/client.json')],
    ['https://[::ffff:127.0.0.1]/client.json', 'ERR_CIMD_URL_NOT_CANONICAL', notCanonical('https://[::ffff:7f00:1]/client.json')],
  ])('rejects %j with %s', (raw, code, description) => {
    expect(checkClientIdUrl(raw)).toEqual({ ok: false, problem: { code, error: 'invalid_client_metadata', description } });
  });

  it.each(['https://client.example./client.json', 'https://client.example.:8443/client.json', 'https://CLIENT.example./client.json'])(
    'a trailing-dot host cannot name a second client beside client.example: %s is refused',
    (raw) => {
      expect(checkClientIdUrl(raw)).toEqual({
        ok: false,
        problem: { code: 'ERR_CIMD_URL_TRAILING_DOT', error: 'invalid_client_metadata', description: 'client_id must not end its host name with a dot' },
      });
      // The same host without the dot is the client id.
      expect(checkClientIdUrl(raw.replace('.:', ':').replace('./', '/').replace('CLIENT', 'client')).ok).toBe(true);
    },
  );

  it('rejects a value that is not a string at all', () => {
    expect(checkClientIdUrl(42 as unknown as string)).toEqual({
      ok: false,
      problem: { code: 'ERR_CIMD_URL_INVALID', error: 'invalid_client_metadata', description: 'client_id must be a string' },
    });
  });
});
