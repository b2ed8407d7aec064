// Real: yaml, TypeBox + ajv, jose key generation, a temp file on disk. Stubbed: nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { thrownBy } from '@admit/contracts/testing';
import { buildTrustAnchors, loadTrustAnchors, parseTrustAnchorsYaml } from './anchors';
import { TrustAnchorsError } from './trust-anchor';

let publicJwk: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
});

const remote = (overrides: Record<string, unknown> = {}) => ({
  id: 'acme',
  issuer: 'https://acme.example',
  jwks_uri: 'https://acme.example/jwks.json',
  algorithms: ['ES256'],
  max_age_s: 3600,
  ...overrides,
});

function expectConfigError(input: unknown, message: string): void {
  const thrown = thrownBy(TrustAnchorsError, () => buildTrustAnchors(input));
  expect(thrown.code).toBe('ERR_TRUST_ANCHORS_INVALID');
  expect(thrown.message).toBe(message);
}

describe('parseTrustAnchorsYaml', () => {
  it('maps a remote and an inline anchor, always requiring software_id', () => {
    const yaml = [
      'anchors:',
      '  - id: acme',
      '    issuer: https://acme.example',
      '    jwks_uri: https://acme.example/jwks.json',
      '    algorithms: [ES256, PS256]',
      '    max_age_s: 86400',
      '    required_claims: [redirect_uris]',
      '  - id: local',
      '    issuer: https://local.example',
      `    jwks: ${JSON.stringify({ keys: [publicJwk] })}`,
      '    algorithms: [EdDSA]',
      '    max_age_s: 60',
    ].join('\n');
    const anchors = parseTrustAnchorsYaml(yaml);

    expect(anchors.all).toHaveLength(2);
    expect(anchors.byIssuer('https://acme.example')).toEqual({
      id: 'acme',
      issuer: 'https://acme.example',
      keys: { kind: 'remote', jwksUri: 'https://acme.example/jwks.json' },
      algorithms: ['ES256', 'PS256'],
      maxAgeS: 86400,
      requiredClaims: ['software_id', 'redirect_uris'],
    });
    expect(anchors.byId('local')?.keys).toEqual({ kind: 'inline', jwks: { keys: [publicJwk] } });
    expect(anchors.byId('local')?.requiredClaims).toEqual(['software_id']);
    expect(Object.isFrozen(anchors.byId('acme'))).toBe(true);
  });

  it('rejects invalid YAML and YAML aliases', () => {
    expect(() => parseTrustAnchorsYaml('anchors: [', 'f.yaml')).toThrow(/^f\.yaml: not valid YAML: /);
    const bomb = 'x: &a [1]\nanchors: [*a]';
    expect(() => parseTrustAnchorsYaml(bomb, 'f.yaml')).toThrow(/^f\.yaml: not valid YAML: Alias resolution is disabled/);
  });
});

describe('loadTrustAnchors', () => {
  it('has no anchors when ADMIT_TRUST_ANCHORS_FILE is unset', () => {
    expect(loadTrustAnchors(undefined).all).toEqual([]);
  });

  it('reads the file named by ADMIT_TRUST_ANCHORS_FILE', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'anchors-')), 'anchors.yaml');
    writeFileSync(path, `anchors:\n  - ${JSON.stringify(remote())}\n`);
    expect(loadTrustAnchors(path).byId('acme')?.issuer).toBe('https://acme.example');
  });

  it('names the variable and path when the file is missing or invalid', () => {
    const missing = join(tmpdir(), 'no-such-anchors-file.yaml');
    expect(() => loadTrustAnchors(missing)).toThrow(
      `ADMIT_TRUST_ANCHORS_FILE (${missing}): cannot be read: ENOENT`,
    );
    const path = join(mkdtempSync(join(tmpdir(), 'anchors-')), 'anchors.yaml');
    writeFileSync(path, `anchors:\n  - ${JSON.stringify(remote({ max_age_s: 0 }))}\n`);
    expect(() => loadTrustAnchors(path)).toThrow(
      `ADMIT_TRUST_ANCHORS_FILE (${path}): anchor "acme" (anchors[0]) field max_age_s: must be >= 1`,
    );
  });
});

describe('buildTrustAnchors rejects, naming the anchor and field', () => {
  it.each([
    ['an empty inline key set', remote({ jwks: { keys: [] } }), 'field jwks.keys: must NOT have fewer than 1 items'],
    ['an unknown field', remote({ jwks_url: 'https://x' }), 'field jwks_url: is not a known field'],
    ['a missing max_age_s', { ...remote(), max_age_s: undefined }, "field max_age_s: must have required property 'max_age_s'"],
    ['an unbounded max_age_s', remote({ max_age_s: 10 ** 9 }), 'field max_age_s: must be <= 31536000'],
    ['a fractional max_age_s', remote({ max_age_s: 1.5 }), 'field max_age_s: must be integer'],
    ['an empty allowlist', remote({ algorithms: [] }), 'field algorithms: must NOT have fewer than 1 items'],
    ['an id with spaces', remote({ id: 'a b' }), 'field id: must match pattern "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"'],
    ['algorithm none', remote({ algorithms: ['ES256', 'none'] }), 'field algorithms: "none" is not allowed; only asymmetric JWS algorithms (ES*, PS*, RS*, EdDSA, Ed25519) are'],
    ['algorithm HS256', remote({ algorithms: ['ES256', 'HS256'] }), 'field algorithms: "HS256" is not allowed; only asymmetric JWS algorithms (ES*, PS*, RS*, EdDSA, Ed25519) are'],
    ['a jwks_uri with http', remote({ jwks_uri: 'http://acme.example/jwks.json' }), 'field jwks_uri: must use https'],
    ['a jwks_uri with userinfo', remote({ jwks_uri: 'https://u:p@acme.example/jwks.json' }), 'field jwks_uri: must not contain userinfo'],
    ['a jwks_uri with a fragment', remote({ jwks_uri: 'https://acme.example/jwks.json#x' }), 'field jwks_uri: must not contain a fragment'],
    ['a jwks_uri with a relative URL', remote({ jwks_uri: '/jwks.json' }), 'field jwks_uri: is not an absolute URL'],
  ])('%s', (_, anchor, message) => {
    expectConfigError({ anchors: [anchor] }, `trust anchors: anchor "${(anchor as { id: string }).id}" (anchors[0]) ${message}`);
  });

  it('both jwks and jwks_uri, or neither', () => {
    const message = 'trust anchors: anchor "acme" (anchors[0]) field jwks/jwks_uri: exactly one of jwks or jwks_uri is required';
    expectConfigError({ anchors: [remote({ jwks: { keys: [publicJwk] } })] }, message);
    expectConfigError({ anchors: [{ ...remote(), jwks_uri: undefined }] }, message);
  });

  it('private, symmetric, kid-less and duplicate inline keys', () => {
    const inline = (keys: unknown[]) => ({ anchors: [{ ...remote(), jwks_uri: undefined, jwks: { keys } }] });
    const at = 'trust anchors: anchor "acme" (anchors[0]) field';
    expectConfigError(inline([privateJwk]), `${at} jwks: key "k1" contains private or symmetric key material (d)`);
    expectConfigError(inline([{ kty: 'oct', kid: 's', k: 'c2VjcmV0' }]), `${at} jwks: key "s" has kty "oct"; only EC, RSA and OKP public keys are accepted`);
    expectConfigError(inline([{ ...publicJwk, use: 'enc' }]), `${at} jwks: key "k1" has use "enc"; it must be "sig"`);
    expectConfigError(inline([{ ...publicJwk, kid: undefined }]), `${at} jwks.keys.0.kid: must have required property 'kid'`);
    expectConfigError(inline([publicJwk, publicJwk]), `${at} jwks: kid "k1" appears more than once`);
  });

  it('duplicate issuers and ids', () => {
    expectConfigError(
      { anchors: [remote(), remote({ id: 'other' })] },
      'trust anchors: anchor "other" field issuer: "https://acme.example" is used by another anchor',
    );
    expectConfigError(
      { anchors: [remote(), remote({ issuer: 'https://other.example' })] },
      'trust anchors: anchor "acme" field id: "acme" is used by another anchor',
    );
  });

  it('a document that is not { anchors: [...] }', () => {
    expectConfigError([], 'trust anchors: document: must be object');
    expectConfigError({ anchors: [], extra: 1 }, 'trust anchors: document field extra: is not a known field');
  });
});

describe('openid_federation anchors', () => {
  const federation = (overrides: Record<string, unknown> = {}) => ({
    id: 'fed',
    type: 'openid_federation',
    entity_id: 'https://ta.fed.example',
    jwks: { keys: [publicJwk] },
    domains: ['.fed.example'],
    ...overrides,
  });
  const at = 'trust anchors: anchor "fed" (anchors[1])';

  it('are kept apart from statement anchors, keys pinned and domains lower-case', () => {
    const anchors = buildTrustAnchors({ anchors: [remote({ type: 'software_statement' }), federation()] });
    expect(anchors.all.map((a) => a.id)).toEqual(['acme']);
    expect(anchors.federation).toEqual([{ id: 'fed', entityId: 'https://ta.fed.example', jwks: { keys: [publicJwk] }, domains: ['.fed.example'] }]);
    expect(anchors.byId('fed')).toBeUndefined();
    expect(buildTrustAnchors({ anchors: [federation({ domains: undefined })] }).federation[0].domains).toEqual([]);
  });

  it.each([
    ['an unknown type', { type: 'x509' }, 'field type: must be software_statement (the default), openid_federation, spiffe or client_attester'],
    ['a statement field', { issuer: 'https://ta.fed.example' }, 'field issuer: is not a known field'],
    ['no entity_id', { entity_id: undefined }, "field entity_id: must have required property 'entity_id'"],
    ['no keys', { jwks: undefined }, "field jwks: must have required property 'jwks'"],
    ['an http entity_id', { entity_id: 'http://ta.fed.example' }, 'field entity_id: must use https'],
    ['an entity_id with a query', { entity_id: 'https://ta.fed.example/?x=1' }, 'field entity_id: must not contain a query'],
    ['an upper-case domain', { domains: ['Fed.example'] }, 'field domains.0: must match pattern "^\\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"'],
  ])('%s', (_, overrides, message) => {
    expectConfigError({ anchors: [remote(), federation(overrides)] }, `${at} ${message}`);
  });

  it('a private key', () => {
    expectConfigError({ anchors: [remote(), federation({ jwks: { keys: [privateJwk] } })] }, `${at} field jwks: key "k1" contains private or symmetric key material (d)`);
  });

  it('an id or entity_id used twice', () => {
    expectConfigError({ anchors: [remote({ id: 'fed' }), federation()] }, 'trust anchors: anchor "fed" field id: "fed" is used by another anchor');
    expectConfigError(
      { anchors: [federation(), federation({ id: 'fed2' })] },
      'trust anchors: anchor "fed2" field entity_id: "https://ta.fed.example" is used by another anchor',
    );
  });
});

describe('spiffe anchors', () => {
  let svidJwk: JWK;
  beforeAll(() => {
    svidJwk = { ...publicJwk, kid: 'svid-1', use: 'jwt-svid' };
  });
  const workload = { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' };
  const spiffe = (overrides: Record<string, unknown> = {}) => ({
    id: 'prod',
    type: 'spiffe',
    trust_domain: 'prod.example',
    bundle: { keys: [svidJwk] },
    templates: { 'ns/payments/': workload },
    ...overrides,
  });
  const at = 'trust anchors: anchor "prod" (anchors[1])';

  it('are kept apart, with the default lifetime, the bundle\'s JWT-SVID keys and the templates\' checked metadata', () => {
    const x509 = { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y, use: 'x509-svid', x5c: ['MIIB'] };
    const anchors = buildTrustAnchors({ anchors: [remote(), spiffe({ bundle: { keys: [svidJwk, x509] } })] });
    expect(anchors.all.map((a) => a.id)).toEqual(['acme']);
    expect(anchors.spiffe).toEqual([
      { id: 'prod', trustDomain: 'prod.example', bundle: { keys: [svidJwk] }, maxLifetimeS: 3600, templates: [{ prefix: 'ns/payments/', metadata: { ...workload, response_types: ['code'] } }] },
    ]);
    const remoteBundle = buildTrustAnchors({ anchors: [spiffe({ bundle: undefined, bundle_endpoint: 'https://prod.example/bundle', max_lifetime_s: 300 })] }).spiffe[0];
    expect(remoteBundle).toMatchObject({ bundleEndpoint: 'https://prod.example/bundle', maxLifetimeS: 300 });
    expect(remoteBundle).not.toHaveProperty('bundle');
  });

  it.each([
    ['an unknown field', { issuer: 'https://prod.example' }, 'field issuer: is not a known field'],
    ['no templates', { templates: undefined }, "field templates: must have required property 'templates'"],
    ['an upper-case trust domain', { trust_domain: 'Prod.example' }, 'field trust_domain: must be a SPIFFE trust domain: lowercase letters, digits, dots, dashes and underscores, without scheme or path'],
    ['a trust domain with a scheme', { trust_domain: 'spiffe://prod.example' }, 'field trust_domain: must be a SPIFFE trust domain: lowercase letters, digits, dots, dashes and underscores, without scheme or path'],
    ['both bundle and endpoint', { bundle_endpoint: 'https://prod.example/bundle' }, 'field bundle/bundle_endpoint: exactly one of bundle or bundle_endpoint is required'],
    ['neither bundle nor endpoint', { bundle: undefined }, 'field bundle/bundle_endpoint: exactly one of bundle or bundle_endpoint is required'],
    ['an http bundle endpoint', { bundle: undefined, bundle_endpoint: 'http://prod.example/bundle' }, 'field bundle_endpoint: must use https'],
    ['a lifetime of 0', { max_lifetime_s: 0 }, 'field max_lifetime_s: must be >= 1'],
    ['a template prefix with ..', { templates: { 'ns/../x': workload } }, 'field templates."ns/../x": must be a SPIFFE path prefix: segments of [A-Za-z0-9._-], none empty, . or ..'],
    ['a template prefix given twice', { templates: { 'ns/payments': workload, '/ns/payments/': workload } }, 'field templates."/ns/payments/": names the same path as "ns/payments"'],
    ['template metadata the rules refuse', { templates: { 'ns/': { ...workload, client_secret: 's3cret' } } }, /^field templates."ns\/": .+/],
  ] as const)('rejects %s', (_, overrides, message) => {
    const text = thrownBy(TrustAnchorsError, () => buildTrustAnchors({ anchors: [remote(), spiffe(overrides)] })).message;
    expect(text.includes('\n')).toBe(false);
    if (typeof message === 'string') expect(text).toBe(`${at} ${message}`);
    else expect(text.slice(at.length + 1)).toMatch(message);
  });

  it('rejects a bundle without a JWT-SVID key, or with a private one', () => {
    expectConfigError({ anchors: [remote(), spiffe({ bundle: { keys: [{ ...svidJwk, use: 'x509-svid' }] } })] }, `${at} field bundle: the JWT bundle of prod.example has no JWT-SVID key`);
    expectConfigError({ anchors: [remote(), spiffe({ bundle: { keys: [{ ...privateJwk, use: 'jwt-svid' }] } })] }, `${at} field bundle: key "k1" contains private or symmetric key material (d)`);
  });

  it('rejects a trust domain or id used twice', () => {
    expectConfigError({ anchors: [spiffe(), spiffe({ id: 'prod2' })] }, 'trust anchors: anchor "prod2" field trust_domain: "prod.example" is used by another anchor');
    expectConfigError({ anchors: [remote({ id: 'prod' }), spiffe()] }, 'trust anchors: anchor "prod" field id: "prod" is used by another anchor');
  });
});

describe('client_attester anchors', () => {
  const metadata = { client_name: 'Agent', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' };
  const attester = (overrides: Record<string, unknown> = {}) => ({ id: 'agents', type: 'client_attester', issuer: 'https://agents.platform.example', jwks: { keys: [publicJwk] }, metadata, ...overrides });
  const at = 'trust anchors: anchor "agents" (anchors[1])';

  it('are kept apart from the other anchors, keys pinned and metadata checked', () => {
    const anchors = buildTrustAnchors({ anchors: [remote(), attester()] });
    expect(anchors.all.map((a) => a.id)).toEqual(['acme']);
    expect(anchors.attesters).toEqual([{ id: 'agents', issuer: 'https://agents.platform.example', jwks: { keys: [publicJwk] }, metadata: { ...metadata, response_types: ['code'] } }]);
  });

  it.each([
    ['no issuer', { issuer: undefined }, "field issuer: must have required property 'issuer'"],
    ['no metadata', { metadata: undefined }, "field metadata: must have required property 'metadata'"],
    ['metadata naming keys', { metadata: { ...metadata, jwks_uri: 'https://agents.platform.example/jwks' } }, 'field metadata: must not name keys: each agent is admitted with the key its attestation binds'],
  ])('%s', (_, overrides, message) => {
    expectConfigError({ anchors: [remote(), attester(overrides)] }, `${at} ${message}`);
  });

  it('a private key, or an issuer used twice', () => {
    expectConfigError({ anchors: [remote(), attester({ jwks: { keys: [privateJwk] } })] }, `${at} field jwks: key "k1" contains private or symmetric key material (d)`);
    expectConfigError({ anchors: [attester(), attester({ id: 'agents2' })] }, 'trust anchors: anchor "agents2" field issuer: "https://agents.platform.example" is used by another anchor');
  });
});
