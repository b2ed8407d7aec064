// Real: checkMetadataDocument, checkClientMetadata (RFC 7591 rules) and JSON parsing. Nothing is stubbed; no I/O.
import { checkMetadataDocument } from './document';
import { publishedDocument } from '../testing/published-document';
import { metadataProblem as problem, refused } from '../testing/refused';

const url = 'https://notes.example.com/oauth/client-metadata.json';
const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const minimal = { client_id: url, redirect_uris: ['https://notes.example.com/cb'] };

describe('checkMetadataDocument', () => {
  it('accepts a realistic published document and keeps every unknown field', () => {
    const published = publishedDocument(url);
    const result = checkMetadataDocument(url, body(published));
    expect(result).toEqual({ ok: true, metadata: published });
  });

  it('fills RFC 7591 defaults, with none as the auth method', () => {
    expect(checkMetadataDocument(url, body(minimal))).toEqual({
      ok: true,
      metadata: { ...minimal, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' },
    });
  });

  it.each([
    ['https://notes.example.com/oauth/client-metadata.json?x=1', 'a query added'],
    ['https://notes.example.com/oauth/client-metadata.json/', 'a trailing slash'],
    ['https://NOTES.example.com/oauth/client-metadata.json', 'different case'],
    ['https://notes.example.com:443/oauth/client-metadata.json', 'the default port spelled out'],
    ['https://evil.example/oauth/client-metadata.json', 'another host'],
  ])('rejects a client_id that is not the URL fetched (%s: %s)', (clientId) => {
    expect(checkMetadataDocument(url, body({ ...minimal, client_id: clientId }))).toEqual(
      refused('ERR_CIMD_CLIENT_ID_MISMATCH', `client_id ${JSON.stringify(clientId)} is not the URL fetched, ${JSON.stringify(url)}`),
    );
  });

  it.each([[undefined], [42], [null], [[url]]])('rejects a client_id of %j', (clientId) => {
    expect(checkMetadataDocument(url, body({ ...minimal, client_id: clientId }))).toEqual(refused('ERR_CIMD_CLIENT_ID_MISSING', 'the document must contain client_id as a string'));
  });

  it('rejects a document holding a secret, once, with the CIMD code', () => {
    expect(checkMetadataDocument(url, body({ ...minimal, client_secret: 's3cr3t' }))).toEqual(refused('ERR_CIMD_CLIENT_SECRET', 'the document must not contain client_secret'));
    expect(checkMetadataDocument(url, body({ ...minimal, client_secret: 's', client_secret_expires_at: 0 }))).toEqual(
      refused('ERR_CIMD_CLIENT_SECRET', 'the document must not contain client_secret or client_secret_expires_at'),
    );
  });

  it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])('rejects token_endpoint_auth_method %s', (method) => {
    expect(checkMetadataDocument(url, body({ ...minimal, token_endpoint_auth_method: method }))).toEqual(
      refused('ERR_CIMD_SECRET_AUTH_METHOD', `token_endpoint_auth_method "${method}" needs a shared secret, which a metadata document cannot carry`),
    );
  });

  it.each([
    ['an EC private key', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' }],
    ['an RSA private key', { kty: 'RSA', n: 'n', e: 'AQAB', p: 'p', q: 'q' }],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
  ])('rejects jwks holding %s', (_name, key) => {
    expect(checkMetadataDocument(url, body({ ...minimal, jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'pub' }, key] } }))).toEqual(
      refused('ERR_CIMD_PRIVATE_KEY', 'jwks must hold public keys only; it contains private or symmetric key material'),
    );
  });

  it('reports every problem at once, CIMD rules first, then the RFC 7591 rules', () => {
    const result = checkMetadataDocument(
      url,
      body({ client_id: 'https://evil.example/x', client_secret: 's', redirect_uris: ['http://notes.example.com/cb', 'https://notes.example.com/cb#f'] }),
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        problem('ERR_CIMD_CLIENT_ID_MISMATCH', `client_id "https://evil.example/x" is not the URL fetched, ${JSON.stringify(url)}`),
        problem('ERR_CIMD_CLIENT_SECRET', 'the document must not contain client_secret'),
        problem('invalid_redirect_uri', '"http://notes.example.com/cb" must use https (or http on a loopback host for native apps)', 'invalid_redirect_uri'),
        problem('invalid_redirect_uri', '"https://notes.example.com/cb#f" must not contain a fragment', 'invalid_redirect_uri'),
      ],
    });
  });

  it('applies the RFC 7591 redirect rules: a redirect grant needs redirect_uris', () => {
    expect(checkMetadataDocument(url, body({ client_id: url }))).toEqual(
      refused('invalid_redirect_uri', 'redirect_uris is required for the authorization_code and implicit grants', 'invalid_redirect_uri'),
    );
  });

  it.each([
    ['not JSON', 'ERR_CIMD_DOCUMENT_NOT_JSON', 'the document is not JSON'],
    ['', 'ERR_CIMD_DOCUMENT_NOT_JSON', 'the document is not JSON'],
    ['{"client_id": "x",}', 'ERR_CIMD_DOCUMENT_NOT_JSON', 'the document is not JSON'],
    ['[]', 'ERR_CIMD_DOCUMENT_NOT_OBJECT', 'the document must be a JSON object'],
    [`[${JSON.stringify(minimal)}]`, 'ERR_CIMD_DOCUMENT_NOT_OBJECT', 'the document must be a JSON object'],
    ['null', 'ERR_CIMD_DOCUMENT_NOT_OBJECT', 'the document must be a JSON object'],
    ['"https://notes.example.com/x"', 'ERR_CIMD_DOCUMENT_NOT_OBJECT', 'the document must be a JSON object'],
    ['42', 'ERR_CIMD_DOCUMENT_NOT_OBJECT', 'the document must be a JSON object'],
  ])('rejects the body %j', (text, code, description) => {
    expect(checkMetadataDocument(url, body(text))).toEqual({ ok: false, problems: [problem(code, description)] });
  });

  it('rejects bytes that are not UTF-8', () => {
    const latin1 = Buffer.concat([Buffer.from('{"client_name":"'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(checkMetadataDocument(url, latin1)).toEqual({ ok: false, problems: [problem('ERR_CIMD_DOCUMENT_NOT_UTF8', 'the document is not UTF-8')] });
  });

  it('bounds nesting depth: 10 levels pass, 11 fail', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { n: nest(levels - 1) });
    expect(checkMetadataDocument(url, body({ ...minimal, x_deep: nest(9) })).ok).toBe(true);
    expect(checkMetadataDocument(url, body({ ...minimal, x_deep: nest(10) }))).toEqual(refused('ERR_CIMD_DOCUMENT_TOO_DEEP', 'the document nests deeper than 10 levels'));
    expect(checkMetadataDocument(url, body(`${'['.repeat(2000)}${']'.repeat(2000)}`)).ok).toBe(false);
  });

  it.each([
    `{"client_id":"${url}","__proto__":{"polluted":true}}`,
    `{"client_id":"${url}","x_vendor":{"__proto__":{"polluted":true}}}`,
  ])('rejects a __proto__ member anywhere: %s', (text) => {
    expect(checkMetadataDocument(url, body(text))).toEqual(refused('ERR_CIMD_DOCUMENT_FORBIDDEN_KEY', 'the document must not contain a __proto__ member'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quotes and cuts attacker-chosen text in descriptions', () => {
    const long = `https://evil.example/${'a'.repeat(1000)}`;
    const result = checkMetadataDocument(url, body({ ...minimal, client_id: long }));
    expect(result.ok).toBe(false);
    const description = result.ok ? '' : result.problems[0].description;
    expect(description).toBe(`client_id ${JSON.stringify(long.slice(0, 256))} is not the URL fetched, ${JSON.stringify(url)}`);
  });
});
