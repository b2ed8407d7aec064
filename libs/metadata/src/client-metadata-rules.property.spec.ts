// Real: checkClientMetadata with its Ajv shape check and WHATWG URL parsing; nothing stubbed (fast-check generates the metadata).
import { isStorableText, parsedUrl, RegistrationError } from '@admit/contracts';
import fc from 'fast-check';
import { checkClientMetadata } from './client-metadata-rules';

const RUNS = { numRuns: 200 };
const CODES: readonly string[] = [RegistrationError.InvalidRedirectUri, RegistrationError.InvalidClientMetadata, RegistrationError.UnapprovedSoftwareStatement];
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Controls and bidirectional formatting characters, which no human-readable field may hold. */
const UNDISPLAYABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;
const ALLOWED_METHODS = ['none', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
const REDIRECT_GRANTS = ['authorization_code', 'implicit'];

// ---- the rules, stated independently of the implementation --------------------------------------

/** RFC 6749 §3.1.2 / RFC 8252 §7.3: absolute, no fragment, no userinfo, https or http on a loopback host. */
function isAcceptableRedirect(uri: unknown): boolean {
  if (typeof uri !== 'string' || uri.includes('#')) return false;
  const url = parsedUrl(uri);
  if (!url) return false;
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Everything `{ ok: true }` promises apart from redirect URIs. */
function expectNoSecretsOrPrivateKeys(input: Record<string, unknown>): void {
  expect(Object.prototype.hasOwnProperty.call(input, 'client_secret')).toBe(false);
  expect(Object.prototype.hasOwnProperty.call(input, 'software_statement')).toBe(false);
  const method = input.token_endpoint_auth_method;
  expect(method === undefined || (typeof method === 'string' && !/^client_secret/i.test(method) && ALLOWED_METHODS.includes(method))).toBe(true);
  const keys = isObject(input.jwks) && Array.isArray(input.jwks.keys) ? input.jwks.keys : [];
  for (const key of keys) {
    expect(isObject(key)).toBe(true);
    for (const member of PRIVATE_JWK_MEMBERS) expect(Object.prototype.hasOwnProperty.call(key, member)).toBe(false);
  }
}

function expectErrorsWellFormed(result: ReturnType<typeof checkClientMetadata>): void {
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(CODES).toContain(error.code);
    expect(typeof error.description).toBe('string');
  }
}

// ---- generators ---------------------------------------------------------------------------------

const host = fc.oneof(fc.domain(), fc.constantFrom('127.0.0.1', '[::1]', 'localhost', '127.1', '10.0.0.1', 'аpple.example', 'xn--pple-43d.example'));
const redirectUri = fc.oneof(
  fc.tuple(host, fc.webPath()).map(([h, p]) => `https://${h}${p}`),
  fc.tuple(host, fc.webPath()).map(([h, p]) => `http://${h}${p}`),
  fc.tuple(fc.constantFrom('127.0.0.1', '[::1]', 'localhost'), fc.integer({ min: 1, max: 65535 }), fc.webPath()).map(([h, port, p]) => `http://${h}:${port}${p}`),
  fc.tuple(
    fc.constantFrom('https://', 'HTTPS://', 'http://', 'javascript:', 'data:', 'com.example.app:/', 'file://', '//', '', 'https:'),
    fc.constantFrom('', 'user@', 'user:pw@', '@', ':@'),
    host,
    fc.constantFrom('', '/cb', '/cb#', '/cb#frag', '#', '/a\tb', '/\\evil', '/cb?x=1', ' /cb'),
  ).map((parts) => parts.join('')),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.string(),
);
const grantTypes = fc.array(fc.oneof(fc.constantFrom(...REDIRECT_GRANTS, 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'), fc.string()), {
  maxLength: 3,
});
const authMethod = fc.oneof(
  fc.constantFrom(...ALLOWED_METHODS, 'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'CLIENT_SECRET_BASIC', 'client_secret_', ''),
  fc.string(),
);
const jwk = fc.dictionary(
  fc.constantFrom('kty', 'kid', 'crv', 'x', 'y', 'n', 'e', 'use', 'alg', ...PRIVATE_JWK_MEMBERS),
  fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
  { maxKeys: 6 },
);
const jwks = fc.oneof(fc.record({ keys: fc.array(jwk, { maxLength: 3 }) }), fc.jsonValue({ maxDepth: 2 }));

/** Metadata every rule allows: https/loopback redirect URIs, a public key set, no secret. */
const validMetadata = fc
  .record(
    {
      redirect_uris: fc.array(
        fc.oneof(
          fc.tuple(fc.domain(), fc.webPath(), fc.webQueryParameters()).map(([h, p, q]) => `https://${h}${p}${q ? `?${q}` : ''}`),
          fc.tuple(fc.constantFrom('127.0.0.1', '[::1]', 'localhost'), fc.integer({ min: 1, max: 65535 })).map(([h, port]) => `http://${h}:${port}/cb`),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      grant_types: fc.subarray([...REDIRECT_GRANTS, 'refresh_token', 'client_credentials']),
      token_endpoint_auth_method: fc.constantFrom(...ALLOWED_METHODS),
      // Text the audit store can keep and a person can read (unstorable-metadata.spec.ts, the display rules).
      jwks: fc.record({
        keys: fc.array(
          fc.oneof(
            fc.record({ kty: fc.constant('EC'), kid: fc.string(), crv: fc.constant('P-256'), x: fc.string(), y: fc.string() }),
            fc.record({ kty: fc.constant('RSA'), kid: fc.string(), n: fc.string(), e: fc.string() }),
            fc.record({ kty: fc.constant('OKP'), kid: fc.string(), crv: fc.constant('Ed25519'), x: fc.string() }),
            fc.record({ kty: fc.constant('AKP'), kid: fc.string(), alg: fc.constant('ML-DSA-44'), pub: fc.string() }),
          ),
          { maxLength: 2 },
        ),
      }),
      client_name: fc.string({ unit: 'binary', maxLength: 64 }).filter((name) => isStorableText(name) && !UNDISPLAYABLE.test(name)),
    },
    { requiredKeys: ['redirect_uris'] },
  )
  .filter((m) => m.redirect_uris.every((u) => u.length <= 2048));

/** RFC 7591 field names with plausible and hostile values. */
const hostileFields = fc.record({
  redirect_uris: fc.oneof(fc.array(redirectUri, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
  grant_types: fc.oneof(grantTypes, fc.jsonValue({ maxDepth: 1 })),
  response_types: fc.oneof(fc.array(fc.constantFrom('code', 'token', 'none', 'id_token'), { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
  token_endpoint_auth_method: fc.oneof(authMethod, fc.jsonValue({ maxDepth: 1 })),
  client_secret: fc.jsonValue({ maxDepth: 1 }),
  software_statement: fc.string(),
  jwks,
  jwks_uri: fc.oneof(fc.webUrl(), fc.string()),
  client_name: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 1 })),
  client_uri: fc.webUrl(),
  scope: fc.string(),
  contacts: fc.array(fc.emailAddress(), { maxLength: 2 }),
  software_id: fc.string(),
});

/**
 * Valid metadata with up to three fields replaced by hostile values, plus arbitrary extra members;
 * or hostile fields alone. Both, so the accepting path is reached as well as every refusal.
 */
const metadata = fc
  .tuple(
    fc.oneof(validMetadata.map((m): Record<string, unknown> => m), fc.constant({})),
    hostileFields.chain((fields) => fc.subarray(Object.entries(fields), { maxLength: 3 })).map((entries) => Object.fromEntries(entries)),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'client_secret_expires_at', 'client_id')),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    ),
  )
  // JSON round trip: what a parsed request body looks like (own `__proto__` keys included).
  .map(([base, hostile, extra]) => JSON.parse(JSON.stringify({ ...extra, ...base, ...hostile })) as Record<string, unknown>);

// ---- properties ---------------------------------------------------------------------------------

describe('checkClientMetadata under hostile metadata (property)', () => {
  it('never throws; errors are non-empty and use only the RFC 7591 codes it publishes', () => {
    fc.assert(
      fc.property(metadata, (input) => {
        expectErrorsWellFormed(checkClientMetadata(input));
      }),
      RUNS,
    );
  });

  it('accepts no client secret, no client_secret_* or unknown auth method, no private JWK member and no statement', () => {
    let accepted = 0;
    fc.assert(
      fc.property(metadata, (input) => {
        const result = checkClientMetadata(input);
        if (!result.ok) return;
        accepted += 1;
        expectNoSecretsOrPrivateKeys(input);
        expect('software_statement' in result.metadata).toBe(false);
      }),
      { numRuns: 1000 },
    );
    // Guards against a vacuous property: hostile metadata is sometimes acceptable.
    expect(accepted).toBeGreaterThan(0);
  });

  it('for redirect-based clients (default, authorization_code, implicit), accepts only https or loopback-http redirect URIs without fragment or userinfo', () => {
    let accepted = 0;
    fc.assert(
      fc.property(metadata, (input) => {
        const grants = input.grant_types;
        fc.pre(grants === undefined || (Array.isArray(grants) && grants.some((g) => REDIRECT_GRANTS.includes(g as string))));
        const result = checkClientMetadata(input);
        if (!result.ok) return;
        accepted += 1;
        expect(Array.isArray(input.redirect_uris) && input.redirect_uris.length > 0).toBe(true);
        for (const uri of input.redirect_uris as unknown[]) expect([uri, isAcceptableRedirect(uri)]).toEqual([uri, true]);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts a registration only if every redirect_uri it carries is https or loopback http, without fragment or userinfo, whatever its grant types', () => {
    fc.assert(
      fc.property(metadata, (input) => {
        const result = checkClientMetadata(input);
        if (!result.ok || !Array.isArray(input.redirect_uris)) return;
        for (const uri of input.redirect_uris) expect([uri, isAcceptableRedirect(uri)]).toEqual([uri, true]);
      }),
      { ...RUNS, examples: [[{ grant_types: ['client_credentials'], redirect_uris: ['javascript:alert(1)//'] }]] },
    );
  });

  it('accepts metadata that keeps every rule, and registers it unchanged apart from defaults', () => {
    fc.assert(
      fc.property(validMetadata, (input) => {
        const result = checkClientMetadata(input);
        expect(result).toMatchObject({ ok: true });
        if (result.ok) expect(result.metadata).toMatchObject(input);
      }),
      RUNS,
    );
  });
});
