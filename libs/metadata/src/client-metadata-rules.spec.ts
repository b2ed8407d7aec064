// Real: everything (the rules, the ClientMetadata schema, Ajv); nothing stubbed.
import { Problem, RegistrationError } from '@admit/contracts';
import { checkClientMetadata, MetadataCheck } from './client-metadata-rules';

const REDIRECT = 'https://app.example/cb';
const HTTPS_ONLY = 'must use https (or http on a loopback host for native apps)';

function errorsOf(result: MetadataCheck): Problem[] {
  if (result.ok) throw new Error(`expected errors, got metadata ${JSON.stringify(result.metadata)}`);
  return result.errors;
}

function metadataOf(result: MetadataCheck) {
  if (!result.ok) throw new Error(`expected metadata, got errors ${JSON.stringify(result.errors)}`);
  return result.metadata;
}

const redirectError = (description: string): Problem => ({ code: RegistrationError.InvalidRedirectUri, description });
const metadataError = (description: string): Problem => ({ code: RegistrationError.InvalidClientMetadata, description });

describe('checkClientMetadata', () => {
  describe('defaults and unknown fields', () => {
    it('fills in the authorization_code grant, the code response type and the none auth method', () => {
      expect(checkClientMetadata({ redirect_uris: [REDIRECT] })).toStrictEqual({
        ok: true,
        metadata: {
          redirect_uris: [REDIRECT],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
      });
    });

    it('keeps explicit values instead of the defaults', () => {
      const metadata = metadataOf(
        checkClientMetadata({ grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }),
      );
      expect(metadata).toMatchObject({ grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'private_key_jwt' });
    });

    it('tolerates and keeps unknown fields, including unicode ones', () => {
      const input = { redirect_uris: [REDIRECT], 'x-vendor': { nested: [1, { deep: true }] }, ключ: 'значение 🚀', nothing: null };
      expect(metadataOf(checkClientMetadata(input))).toMatchObject(input);
    });

    it.each(['none', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'])('accepts the auth method %s', (method) => {
      expect(checkClientMetadata({ redirect_uris: [REDIRECT], token_endpoint_auth_method: method }).ok).toBe(true);
    });
  });

  describe('redirect URIs', () => {
    it.each([
      ['requires redirect_uris for the authorization_code grant', {}],
      ['requires redirect_uris for the implicit grant', { grant_types: ['implicit'], redirect_uris: [] }],
      ['rejects an empty list', { redirect_uris: [] }],
    ])('%s', (_name, input) => {
      expect(errorsOf(checkClientMetadata(input))).toEqual([redirectError('redirect_uris is required for the authorization_code and implicit grants')]);
    });

    it.each([
      ['a relative URI', '/cb', 'is not an absolute URI'],
      ['a scheme-relative URI', '//app.example/cb', 'is not an absolute URI'],
      ['a fragment', 'https://app.example/cb#frag', 'must not contain a fragment'],
      ['an empty fragment', 'https://app.example/cb#', 'must not contain a fragment'],
      ['userinfo', 'https://user:pass@app.example/cb', 'must not contain userinfo'],
      ['a user name only', 'https://user@app.example/cb', 'must not contain userinfo'],
      ['plain http on a public host', 'http://app.example/cb', HTTPS_ONLY],
      ['http on a host that only starts with localhost', 'http://localhost.evil.example/cb', HTTPS_ONLY],
      ['http on a host that only starts with 127.0.0.1', 'http://127.0.0.1.nip.io/cb', HTTPS_ONLY],
      ['http on 0.0.0.0', 'http://0.0.0.0/cb', HTTPS_ONLY],
      ['javascript:', 'javascript:alert(1)', HTTPS_ONLY],
      ['data:', 'data:text/html,<script>alert(1)</script>', HTTPS_ONLY],
      ['file:', 'file:///etc/passwd', HTTPS_ONLY],
    ])('rejects %s', (_name, uri, problem) => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [uri] }))).toEqual([redirectError(`${JSON.stringify(uri)} ${problem}`)]);
    });

    it('reports every bad URI and cuts a huge one in the description', () => {
      const huge = `http://app.example/${'a'.repeat(1900)}`;
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT, 'http://a.example/', huge] }))).toEqual([
        redirectError(`"http://a.example/" ${HTTPS_ONLY}`),
        redirectError(`${JSON.stringify(huge.slice(0, 256))} ${HTTPS_ONLY}`),
      ]);
    });

    it.each(['http://127.0.0.1/cb', 'http://127.0.0.1:51004/cb', 'http://[::1]/cb', 'http://[::1]:8080/cb', 'http://localhost/cb', 'http://localhost:3000/cb?x=1'])(
      'allows loopback http %s',
      (uri) => {
        expect(metadataOf(checkClientMetadata({ redirect_uris: [uri] })).redirect_uris).toEqual([uri]);
      },
    );

    it('needs no redirect URI for a client_credentials-only client', () => {
      expect(metadataOf(checkClientMetadata({ grant_types: ['client_credentials'] }))).toStrictEqual({
        grant_types: ['client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      });
    });

    it('checks redirect URIs a client_credentials-only client sends anyway', () => {
      expect(errorsOf(checkClientMetadata({ grant_types: ['client_credentials'], redirect_uris: ['http://app.example/cb'] }))).toEqual([
        redirectError('"http://app.example/cb" must use https (or http on a loopback host for native apps)'),
      ]);
    });

    it('treats a non-string redirect URI as an invalid redirect URI', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [42] }))).toEqual([redirectError('redirect_uris.0 must be string')]);
    });
  });

  describe('invalid_client_metadata', () => {
    it('rejects a client_secret sent by the client', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], client_secret: 's3cret' }))).toEqual([
        metadataError('client_secret must not be sent: Admit issues no secrets'),
      ]);
    });

    it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])('rejects the secret-based method %s', (method) => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], token_endpoint_auth_method: method }))).toEqual([
        metadataError(`token_endpoint_auth_method ${method} needs a client secret; Admit issues none`),
      ]);
    });

    it.each(['basic', 'NONE', '', '__proto__', 'constructor'])('rejects the unsupported method %j', (method) => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], token_endpoint_auth_method: method }))).toEqual([
        metadataError(`token_endpoint_auth_method ${JSON.stringify(method)} is not supported`),
      ]);
    });

    it('rejects jwks and jwks_uri together', () => {
      const input = { redirect_uris: [REDIRECT], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, jwks_uri: 'https://app.example/jwks' };
      expect(errorsOf(checkClientMetadata(input))).toEqual([metadataError('jwks and jwks_uri must not both be present')]);
    });

    it('accepts a public-only jwks', () => {
      expect(checkClientMetadata({ redirect_uris: [REDIRECT], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }).ok).toBe(true);
    });

    it.each([
      ['a private EC key (d)', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret' }],
      ['a private RSA key (p, q, dp, dq, qi)', { kty: 'RSA', n: 'n', e: 'AQAB', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' }],
      ['a symmetric key (k)', { kty: 'oct', k: 'c2VjcmV0' }],
    ])('rejects a jwks containing %s', (_name, key) => {
      const input = { redirect_uris: [REDIRECT], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, key] } };
      expect(errorsOf(checkClientMetadata(input))).toEqual([metadataError('jwks contains private or symmetric key material')]);
    });

    it.each([
      ['the private part of an AKP (ML-DSA) key: priv', { kty: 'AKP', alg: 'ML-DSA-44', pub: 'cHVi', priv: 'c2VjcmV0' }],
      ['a private OKP key (d)', { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'secret' }],
      ['a member no public key of its type has (an EC key with an RSA prime)', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', p: 'p' }],
      ['a made-up key type carrying key material', { kty: 'PQC', secret_key: 'c2VjcmV0' }],
    ])('key smuggling: refuses a jwks key with %s, as only the public members of each key type pass', (_name, key) => {
      const input = { redirect_uris: [REDIRECT], jwks: { keys: [key] } };
      expect(errorsOf(checkClientMetadata(input))).toEqual([metadataError('jwks contains private or symmetric key material')]);
    });

    it('accepts the public members of EC, RSA, OKP and AKP keys, with the members any key may carry', () => {
      const keys = [
        { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'e', use: 'sig', alg: 'ES256', key_ops: ['verify'], x5c: ['MIIB'], x5t: 't', 'x5t#S256': 't' },
        { kty: 'RSA', n: 'n', e: 'AQAB', kid: 'r' },
        { kty: 'OKP', crv: 'Ed25519', x: 'x', kid: 'o' },
        { kty: 'AKP', alg: 'ML-DSA-44', pub: 'cHVi', kid: 'a' },
      ];
      expect(checkClientMetadata({ redirect_uris: [REDIRECT], jwks: { keys } }).ok).toBe(true);
    });

    it.each([
      ['client_name as a number', { client_name: 42 }, 'client_name must be string'],
      ['grant_types as a string', { grant_types: 'authorization_code' }, 'grant_types must be array'],
      ['jwks.keys as a string', { jwks: { keys: 'k' } }, 'jwks.keys must be array'],
      ['a jwks key that is not an object', { jwks: { keys: [null] } }, 'jwks.keys.0 must be object'],
      ['token_endpoint_auth_method as null', { token_endpoint_auth_method: null }, 'token_endpoint_auth_method must be string'],
      ['an over-long client_name', { client_name: 'n'.repeat(1025) }, 'client_name must NOT have more than 1024 characters'],
      ['NaN as a scope', { scope: NaN }, 'scope must be string'],
    ])('rejects %s', (_name, input, description) => {
      expect(errorsOf(checkClientMetadata(input as Record<string, unknown>))).toEqual([metadataError(description)]);
    });

    it('rejects redirect_uris that is not a list as invalid_client_metadata, not invalid_redirect_uri', () => {
      // A string in place of the list is a malformed metadata field; invalid_redirect_uri is for bad URI values.
      expect(errorsOf(checkClientMetadata({ redirect_uris: REDIRECT }))).toEqual([metadataError('redirect_uris must be array')]);
    });

    it('reports every shape error at once', () => {
      expect(errorsOf(checkClientMetadata({ client_name: 1, logo_uri: 2, contacts: [3] })).map((e) => e.description).sort()).toEqual(
        ['client_name must be string', 'contacts.0 must be string', 'logo_uri must be string'].sort(),
      );
    });
  });

  describe('software statements', () => {
    it('rejects any software_statement as unapproved', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], software_statement: 'eyJhbGciOiJub25lIn0.e30.' }))).toEqual([
        { code: RegistrationError.UnapprovedSoftwareStatement, description: 'no trust anchor is configured to approve software statements' },
      ]);
    });

    it('reports the statement together with every other broken rule', () => {
      const errors = errorsOf(checkClientMetadata({ software_statement: 'x', client_secret: 'y', token_endpoint_auth_method: 'client_secret_post' }));
      expect(errors.map((e) => e.code)).toEqual([
        RegistrationError.UnapprovedSoftwareStatement,
        RegistrationError.InvalidClientMetadata,
        RegistrationError.InvalidClientMetadata,
        RegistrationError.InvalidRedirectUri,
      ]);
    });
  });

  describe('adversarial input', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).client_secret).toBeUndefined();
    });

    it('does not let a __proto__ key pollute Object.prototype or smuggle in fields', () => {
      const input = JSON.parse(
        `{"redirect_uris":["${REDIRECT}"],"__proto__":{"polluted":true,"client_secret":"x","token_endpoint_auth_method":"client_secret_basic","grant_types":["client_credentials"]}}`,
      ) as Record<string, unknown>;
      const metadata = metadataOf(checkClientMetadata(input));
      expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
      expect(metadata.token_endpoint_auth_method).toBe('none');
      expect(metadata.grant_types).toEqual(['authorization_code']);
      expect((metadata as Record<string, unknown>).client_secret).toBeUndefined();
    });

    it('refuses a jwks key that hides key material under a __proto__ member: only public members pass', () => {
      const input = JSON.parse(`{"redirect_uris":["${REDIRECT}"],"jwks":{"keys":[{"kty":"EC","__proto__":{"d":"secret","polluted":true}}]}}`) as Record<
        string,
        unknown
      >;
      expect(errorsOf(checkClientMetadata(input))).toEqual([metadataError('jwks contains private or symmetric key material')]);
    });

    it('does not treat inherited Object.prototype members as sent fields', () => {
      // `in` sees the prototype chain; none of the checked names may live there.
      expect(checkClientMetadata({ redirect_uris: [REDIRECT], constructor: 'x', toString: 1, hasOwnProperty: [] }).ok).toBe(true);
    });

    it('handles deeply nested unknown fields', () => {
      let deep: unknown = 0;
      for (let i = 0; i < 1_000; i++) deep = [deep];
      expect((metadataOf(checkClientMetadata({ redirect_uris: [REDIRECT], deep })) as Record<string, unknown>).deep).toBe(deep);
    });

    it('rejects unicode look-alike schemes and hosts', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: ['httpѕ://app.example/cb'] }))[0].code).toBe(RegistrationError.InvalidRedirectUri);
      // A homoglyph of "localhost" is punycoded, so it is not a loopback host.
      expect(errorsOf(checkClientMetadata({ redirect_uris: ['http://lоcalhost/cb'] }))).toEqual([
        redirectError(`"http://lоcalhost/cb" ${HTTPS_ONLY}`),
      ]);
    });
  });
  describe('human-readable fields', () => {
    const RLO = '\u202e';
    it.each([
      ['a right-to-left override in client_name', { client_name: `Acme ${RLO}moc.live` }, 'client_name', 'U+202E'],
      ['a first-strong isolate in client_name', { client_name: 'Acme \u2068x' }, 'client_name', 'U+2068'],
      ['a left-to-right mark in a language-tagged client_name', { 'client_name#fr': 'Acme\u200e' }, 'client_name#fr', 'U+200E'],
      ['a newline in client_name', { client_name: 'Acme\nSigned by Google' }, 'client_name', 'U+000A'],
      ['a C1 control in software_version', { software_version: '1.0\u009b' }, 'software_version', 'U+009B'],
      ['an escape in software_id', { software_id: 'id\u001b[31m' }, 'software_id', 'U+001B'],
      ['a line separator in client_name', { client_name: 'Acme\u2028Bank' }, 'client_name', 'U+2028'],
    ])('display spoofing: refuses %s as invalid_client_metadata', (_name, fields, field, char) => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], ...fields }))).toEqual([
        metadataError(`${field} contains the control or bidirectional formatting character ${char}`),
      ]);
    });

    it('display spoofing: refuses a bidirectional override in a contact', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], contacts: [`admin@${RLO}moc.live`] }))).toEqual([
        metadataError('contacts contains the control or bidirectional formatting character U+202E'),
      ]);
    });

    it('keeps names in any script, emoji with joiners, and language-tagged variants', () => {
      const input = { redirect_uris: [REDIRECT], client_name: 'Zoë 日本 👩‍💻 مرحبا', 'client_name#ja': 'ノート', software_version: '2.4.1' };
      expect(metadataOf(checkClientMetadata(input))).toMatchObject(input);
    });

    it('names a language tag only when it is a plain tag', () => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], [`client_name#${RLO}x`]: 'n\u202e' }))).toEqual([
        metadataError('client_name#<tag> contains the control or bidirectional formatting character U+202E'),
      ]);
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], 'client_name#de': 7 }))).toEqual([metadataError('client_name#de must be a string')]);
    });
  });

  describe('links shown to people', () => {
    it.each([
      ['client_uri', 'javascript:alert(document.cookie)'],
      ['logo_uri', 'data:image/svg+xml;base64,PHN2Zy8+'],
      ['tos_uri', 'http://app.example/tos'],
      ['policy_uri', 'file:///etc/passwd'],
      ['logo_uri#fr', 'javascript:alert(1)'],
      ['client_uri', 'not a url'],
    ])('script and data links: refuses %s %s as invalid_client_metadata', (field, value) => {
      expect(errorsOf(checkClientMetadata({ redirect_uris: [REDIRECT], [field]: value }))).toEqual([metadataError(`${field} must be an https URL`)]);
    });

    it('accepts https links', () => {
      const links = { client_uri: 'https://app.example', logo_uri: 'https://app.example/logo.png', tos_uri: 'https://app.example/tos', policy_uri: 'https://app.example/privacy', 'tos_uri#fr': 'https://app.example/cgu' };
      expect(metadataOf(checkClientMetadata({ redirect_uris: [REDIRECT], ...links }))).toMatchObject(links);
    });
  });
});
