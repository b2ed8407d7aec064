// Real: the CIMD resolver and document rules, statement verification with jose, the metadata rules.
// Stubbed: the network (an in-memory Fetcher) and nothing else.
import { checkEventData, Topic } from '@admit/contracts';
import { CimdResolver, Fetcher, FetchError, FetchResponse, metadataClientId } from '@admit/metadata';
import { AnchorKeys, buildTrustAnchors, StatementVerifier } from '@admit/trust';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { TrustChainResolver } from '@admit/federation';
import { TestEntity, TestFederation } from '@admit/federation/testing';
import { ClientKeyThumbprints } from './client-key-thumbprints';
import { FederationSource } from './federation-source';
import { RegistrationValidator } from './registration-validator';
import { ClientAttesters, SpiffeSource } from '@admit/trust';

const ISSUER = 'https://directory.example';
const DOC_URL = 'https://client.example/app.json';
const RECEIVED = new Date().toISOString();
const ADMIT = 'https://admit.example';
const ATTESTER = 'https://agents.platform.example';
const WORKLOAD_METADATA = { client_name: 'Payments', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', scope: 'payments' };

class MemoryFetcher implements Fetcher {
  readonly bodies = new Map<string, string>();
  async fetch(url: string): Promise<FetchResponse> {
    const body = this.bodies.get(url);
    if (body === undefined) throw new FetchError('ERR_FETCH_STATUS', 'the document answered 404', 404);
    return { url, status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=120' }, body: Buffer.from(body), fetchedAt: new Date() };
  }
}

describe('RegistrationValidator', () => {
  let validator: RegistrationValidator;
  let fetcher: MemoryFetcher;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let fed: TestFederation;
  let intermediate: TestEntity;
  let leaf: TestEntity;
  let signSvid: (claims: Record<string, unknown>, key?: 'prod' | 'other') => Promise<string>;
  let attest: (claims?: Record<string, unknown>) => Promise<string>;
  let agentJwk: JWK;

  beforeAll(async () => {
    // anchor <- intermediate <- leaf: the intermediate allows only private_key_jwt.
    fed = new TestFederation();
    const fedAnchor = await fed.add('anchor');
    intermediate = await fed.add('intermediate');
    leaf = await fed.add('leaf', { metadata: { openid_relying_party: { client_name: 'Leaf', redirect_uris: ['https://leaf.example/cb'], token_endpoint_auth_method: 'private_key_jwt' } } });
    fed.link(intermediate, fedAnchor);
    fed.link(leaf, intermediate, { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
    const federationAnchors = [{ id: 'fed', entityId: fedAnchor.id, jwks: { keys: [fedAnchor.key.jwk] }, domains: ['.fed.example'] }];
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const svidKey = await generateKeyPair('ES256');
    const otherDomainKey = await generateKeyPair('ES256');
    const attesterKey = await generateKeyPair('ES256');
    agentJwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const anchors = buildTrustAnchors({
      anchors: [
        { id: 'dir', issuer: ISSUER, algorithms: ['ES256'], max_age_s: 600, required_claims: ['software_id'], jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } },
        {
          id: 'prod',
          type: 'spiffe',
          trust_domain: 'prod.example',
          bundle: { keys: [{ ...(await exportJWK(svidKey.publicKey)), kid: 'svid-1', use: 'jwt-svid' }] },
          max_lifetime_s: 600,
          templates: { 'ns/': { ...WORKLOAD_METADATA, client_name: 'Any namespace' }, 'ns/payments/': WORKLOAD_METADATA },
        },
        { id: 'agents', type: 'client_attester', issuer: ATTESTER, jwks: { keys: [{ ...(await exportJWK(attesterKey.publicKey)), kid: 'att-1' }] }, metadata: WORKLOAD_METADATA },
      ],
    });
    signSvid = (claims, key = 'prod') =>
      new SignJWT({ aud: ADMIT, exp: Math.floor(Date.now() / 1000) + 300, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'svid-1', typ: 'JWT' })
        .sign((key === 'prod' ? svidKey : otherDomainKey).privateKey);
    attest = (claims = {}) =>
      new SignJWT({ iss: ATTESTER, sub: 'agent-7f3a', exp: Math.floor(Date.now() / 1000) + 600, cnf: { jwk: agentJwk }, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'att-1', typ: 'oauth-client-attestation+jwt' })
        .sign(attesterKey.privateKey);
    fetcher = new MemoryFetcher();
    validator = new RegistrationValidator(
      new CimdResolver(fetcher),
      new StatementVerifier({ anchors, keys: new AnchorKeys(anchors, { fetcher }), clock: () => new Date() }),
      new ClientKeyThumbprints(fetcher),
      new FederationSource(new TrustChainResolver(fed.fetcher, federationAnchors), federationAnchors),
      new SpiffeSource(anchors.spiffe, ADMIT, fetcher),
      new ClientAttesters(anchors.attesters),
    );
    sign = (claims) => new SignJWT({ iss: ISSUER, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  });

  it('admits a metadata document with its evidence and origin', async () => {
    const body = JSON.stringify({ client_id: DOC_URL, redirect_uris: ['https://client.example/cb'], jwks: { keys: [] } });
    fetcher.bodies.set(DOC_URL, body);
    const v = await validator.validate({ client_id: DOC_URL, source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({
      client_id: DOC_URL,
      source: 'cimd',
      outcome: 'valid',
      origin: 'https://client.example',
      errors: [],
      jkts: [],
      evidence: { document: { url: DOC_URL, sha256: createHash('sha256').update(body).digest('hex'), status: 200, cache_ttl_s: 120 } },
    });
    expect(v.evidence.document).not.toHaveProperty('cached');
  });

  it('records the thumbprints of the keys a jwks_uri serves, so a jkt revocation finds a client whose keys are not inline', async () => {
    const url = 'https://client.example/remote-keys.json';
    const jwksUri = 'https://client.example/jwks.json';
    const { publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    fetcher.bodies.set(jwksUri, JSON.stringify({ keys: [jwk] }));
    fetcher.bodies.set(url, JSON.stringify({ client_id: url, redirect_uris: ['https://client.example/cb'], jwks_uri: jwksUri, token_endpoint_auth_method: 'private_key_jwt' }));
    const v = await validator.validate({ client_id: url, source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({ outcome: 'valid', jkts: [await calculateJwkThumbprint(jwk, 'sha256')] });
  });

  it('a freshness re-check fetches the document again: a key swapped since the last fetch is not hidden behind the cache', async () => {
    const url = 'https://client.example/rotating.json';
    const before = JSON.stringify({ client_id: url, redirect_uris: ['https://client.example/cb'], client_name: 'before' });
    const after = JSON.stringify({ client_id: url, redirect_uris: ['https://client.example/cb'], client_name: 'after' });
    fetcher.bodies.set(url, before);
    await validator.validate({ client_id: url, source: 'cimd', received_at: RECEIVED });
    fetcher.bodies.set(url, after);
    const cached = await validator.validate({ client_id: url, source: 'cimd', received_at: RECEIVED });
    expect(cached.metadata).toMatchObject({ client_name: 'before' });
    const fresh = await validator.validate({ client_id: url, source: 'cimd', fresh: true, received_at: RECEIVED });
    expect(fresh).toMatchObject({ outcome: 'valid', metadata: { client_name: 'after' }, evidence: { document: { sha256: createHash('sha256').update(after).digest('hex') } } });
  });

  describe('OpenID Federation', () => {
    it('resolves a leaf named by source, with the chain as evidence and the anchor and intermediates for policies', async () => {
      const v = await validator.validate({ client_id: leaf.id, source: 'openid_federation', received_at: RECEIVED });
      expect(v).toMatchObject({
        client_id: leaf.id,
        source: 'federation',
        outcome: 'valid',
        anchor: 'fed',
        intermediates: [intermediate.id],
        trust_marks: [],
        metadata: { client_name: 'Leaf', redirect_uris: ['https://leaf.example/cb'] },
        evidence: {
          federation: {
            entity_id: leaf.id,
            anchor: 'fed',
            path: [leaf.id, intermediate.id, 'https://anchor.fed.example'],
            client_type: 'openid_relying_party',
            metadata: { client_name: 'Leaf', redirect_uris: ['https://leaf.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
          },
        },
      });
      expect(v.evidence.federation?.statements.map((s) => [s.iss, s.sub])).toEqual([
        [leaf.id, leaf.id],
        [intermediate.id, leaf.id],
        ['https://anchor.fed.example', intermediate.id],
        ['https://anchor.fed.example', 'https://anchor.fed.example'],
      ]);
      expect(v.evidence.federation?.expires_at).toBe([...(v.evidence.federation?.statements ?? [])].map((s) => s.exp).sort()[0]);
      expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
    });

    it('routes a cimd request under a federation anchor\'s domains to the chain, and fetches no document', async () => {
      const before = fed.requests.length;
      const v = await validator.validate({ client_id: leaf.id, source: 'cimd', received_at: RECEIVED });
      expect(v).toMatchObject({ client_id: leaf.id, source: 'federation', outcome: 'valid' });
      expect(fed.requests.length).toBe(before);
    });

    it('denies a leaf that breaks its intermediate\'s metadata policy, with the exact code', async () => {
      const bad = await fed.add('bad', { metadata: { openid_relying_party: { redirect_uris: ['https://bad.example/cb'], token_endpoint_auth_method: 'none' } } });
      fed.link(bad, intermediate, { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
      const v = await validator.validate({ client_id: bad.id, source: 'openid_federation', received_at: RECEIVED });
      expect(v).toMatchObject({ client_id: bad.id, source: 'federation', outcome: 'invalid', errors: [{ code: 'ERR_FEDERATION_POLICY_VIOLATION', error: 'invalid_client_metadata' }] });
    });

    it('refuses a leaf whose metadata holds a secret, and records the secret nowhere', async () => {
      const leaky = await fed.add('leaky', { metadata: { openid_relying_party: { redirect_uris: ['https://leaky.example/cb'], token_endpoint_auth_method: 'private_key_jwt', client_secret: 'hunter2-secret' } } });
      fed.link(leaky, intermediate);
      const v = await validator.validate({ client_id: leaky.id, source: 'openid_federation', received_at: RECEIVED });
      expect(v).toMatchObject({ source: 'federation', outcome: 'invalid', errors: [{ code: 'invalid_client_metadata', description: 'client_secret must not be sent: Admit issues no secrets' }] });
      expect(JSON.stringify(v)).not.toContain('hunter2-secret');
      expect(v.evidence.federation).toMatchObject({ entity_id: leaky.id, path: [leaky.id, intermediate.id, 'https://anchor.fed.example'] });
      expect(v.evidence.federation).not.toHaveProperty('metadata');
    });

    it('records at most 64 trust marks, so a leaf with more still gets a validation the event can carry', async () => {
      const marked = await fed.add('marked', { metadata: { openid_relying_party: { redirect_uris: ['https://marked.example/cb'], token_endpoint_auth_method: 'private_key_jwt' } } });
      fed.link(marked, intermediate, { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
      const anchorEntity = fed.entities.get('https://anchor.fed.example') as TestEntity;
      const types = Array.from({ length: 70 }, (_, i) => `https://marks.example/${i}`);
      anchorEntity.trust_mark_issuers = Object.fromEntries(types.map((type) => [type, [anchorEntity.id]]));
      marked.trust_marks = await Promise.all(types.map((type) => fed.trustMark(type, marked, anchorEntity)));
      // fresh: the anchor's configuration, cached by earlier tests, names no trust mark issuers.
      const v = await validator.validate({ client_id: marked.id, source: 'openid_federation', fresh: true, received_at: RECEIVED });
      anchorEntity.trust_mark_issuers = undefined;
      expect(v).toMatchObject({ outcome: 'valid', trust_marks: types.slice(0, 64) });
      expect(v.evidence.federation?.trust_marks).toHaveLength(64);
      expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
    });

    it('denies an entity no chain leads from, with the exact code, and never fetches a document instead', async () => {
      const v = await validator.validate({ client_id: 'https://nobody.fed.example', source: 'cimd', received_at: RECEIVED });
      expect(v).toMatchObject({ source: 'federation', outcome: 'invalid', errors: [{ code: 'ERR_FEDERATION_FETCH' }] });
    });
  });

  describe('SPIFFE', () => {
    const svidRequest = (svid: string, name = 'spiffe://prod.example/ns/payments/api') => ({ client_id: name, source: 'spiffe' as const, client_assertion: svid, received_at: RECEIVED });

    it('admits a workload by its JWT-SVID: the SPIFFE ID is the client id, the most specific template its metadata, the SVID evidence by digest', async () => {
      const exp = Math.floor(Date.now() / 1000) + 300;
      const svid = await signSvid({ sub: 'spiffe://prod.example/ns/payments/api', exp });
      const v = await validator.validate(svidRequest(svid));
      expect(v).toStrictEqual({
        client_id: 'spiffe://prod.example/ns/payments/api',
        source: 'spiffe',
        outcome: 'valid',
        // The template, with the defaults the metadata rules fill in.
        metadata: { ...WORKLOAD_METADATA, response_types: ['code'] },
        errors: [],
        evidence: {
          spiffe: {
            spiffe_id: 'spiffe://prod.example/ns/payments/api',
            anchor: 'prod',
            trust_domain: 'prod.example',
            svid_sha256: createHash('sha256').update(svid).digest('hex'),
            exp: new Date(exp * 1000).toISOString(),
            template: 'ns/payments/',
          },
        },
        anchor: 'prod',
        trust_domain: 'prod.example',
        spiffe_path: ['ns', 'payments', 'api'],
        jkts: [],
      });
      expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
      expect(JSON.stringify(v)).not.toContain(svid);
      // Whole segments: ns/payments2 falls back to the ns/ template.
      const other = await validator.validate(svidRequest(await signSvid({ sub: 'spiffe://prod.example/ns/payments2/api' })));
      expect(other).toMatchObject({ outcome: 'valid', metadata: { client_name: 'Any namespace' }, evidence: { spiffe: { template: 'ns/' } } });
    });

    it.each([
      ['a sub in a trust domain no anchor has', { sub: 'spiffe://staging.example/ns/payments/api' }, 'prod', 'ERR_SPIFFE_TRUST_DOMAIN_UNKNOWN'],
      ["an SVID another trust domain's key signed", { sub: 'spiffe://prod.example/ns/payments/api' }, 'other', 'ERR_SVID_SIGNATURE'],
      ['a sub that is not a SPIFFE ID', { sub: 'https://prod.example/ns/payments/api' }, 'prod', 'ERR_SPIFFE_ID'],
      ['a SPIFFE ID with a .. segment', { sub: 'spiffe://prod.example/ns/../api' }, 'prod', 'ERR_SPIFFE_ID'],
      ['a wrong aud', { sub: 'spiffe://prod.example/ns/payments/api', aud: 'https://other.example' }, 'prod', 'ERR_SVID_AUDIENCE'],
      ['an expired SVID', { sub: 'spiffe://prod.example/ns/payments/api', exp: Math.floor(Date.now() / 1000) - 120 }, 'prod', 'ERR_SVID_EXPIRED'],
      ['a lifetime over the anchor maximum', { sub: 'spiffe://prod.example/ns/payments/api', exp: Math.floor(Date.now() / 1000) + 3600 }, 'prod', 'ERR_SVID_LIFETIME'],
      ['a path no template covers', { sub: 'spiffe://prod.example/batch/report' }, 'prod', 'ERR_SPIFFE_NO_TEMPLATE'],
    ] as const)('denies %s with its exact code', async (_, claims, key, code) => {
      const v = await validator.validate(svidRequest(await signSvid(claims, key)));
      expect(v).toMatchObject({ source: 'spiffe', outcome: 'invalid', evidence: {}, errors: [{ code, error: 'invalid_client_metadata' }] });
      expect(v.errors[0].description.startsWith(`${code}: `)).toBe(true);
    });

    it('names the workload by its verified SPIFFE ID, recording a producer name that differs as requested_as', async () => {
      const v = await validator.validate(svidRequest(await signSvid({ sub: 'spiffe://prod.example/ns/payments/api' }), 'my-reference'));
      expect(v).toMatchObject({ client_id: 'spiffe://prod.example/ns/payments/api', outcome: 'valid', evidence: { requested_as: 'my-reference' } });
    });

    it('denies a client assertion that is no JWT', async () => {
      const v = await validator.validate(svidRequest('not.a.jwt', 'spiffe:unnamed'));
      expect(v).toMatchObject({ client_id: 'spiffe:unnamed', outcome: 'invalid', errors: [{ code: 'ERR_SVID_INVALID' }] });
    });
  });

  describe('client attestation', () => {
    const attestationRequest = (attestation: string) => ({ client_id: 'agent-7f3a', source: 'client_attestation' as const, client_attestation: attestation, received_at: RECEIVED });

    it("admits an attested agent: the attestation's sub is the client id, the attester's metadata with the bound key, evidence by digest", async () => {
      const exp = Math.floor(Date.now() / 1000) + 600;
      const attestation = await attest({ exp });
      const jkt = await calculateJwkThumbprint(agentJwk);
      const v = await validator.validate(attestationRequest(attestation));
      expect(v).toStrictEqual({
        client_id: 'agent-7f3a',
        source: 'client_attestation',
        outcome: 'valid',
        metadata: { ...WORKLOAD_METADATA, response_types: ['code'], jwks: { keys: [agentJwk] } },
        errors: [],
        evidence: { client_attestation: { attester: 'agents', issuer: ATTESTER, jkt, attestation_sha256: createHash('sha256').update(attestation).digest('hex'), exp: new Date(exp * 1000).toISOString() } },
        anchor: 'agents',
        attester: 'agents',
        jkts: [jkt],
      });
      expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
    });

    it.each([
      ['an attestation from an unknown attester', { iss: 'https://rogue.example' }, 'ERR_ATTESTATION_ATTESTER_UNKNOWN'],
      ['an expired attestation', { exp: Math.floor(Date.now() / 1000) - 120 }, 'ERR_ATTESTATION_EXPIRED'],
      ['an attestation without cnf.jwk', { cnf: undefined }, 'ERR_ATTESTATION_INVALID'],
    ] as const)('denies %s with its exact code', async (_, claims, code) => {
      const v = await validator.validate(attestationRequest(await attest(claims)));
      expect(v).toMatchObject({ source: 'client_attestation', outcome: 'invalid', evidence: {}, errors: [{ code, error: 'invalid_client_metadata' }] });
    });
  });

  it('fails a document it cannot fetch, keeping the URL as client id', async () => {
    const v = await validator.validate({ client_id: 'https://client.example/missing.json', source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({ client_id: 'https://client.example/missing.json', source: 'cimd', outcome: 'invalid', errors: [{ code: 'ERR_FETCH_STATUS', error: 'invalid_client_metadata' }] });
  });

  it('registers a statement under the anchor-derived id, statement claims over the body', async () => {
    const statement = await sign({ software_id: 'cli', client_name: 'From statement', redirect_uris: ['https://cli.example/cb'] });
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: statement, client_name: 'From body' }, received_at: RECEIVED });
    expect(v).toMatchObject({ source: 'software_statement', outcome: 'valid', anchor: 'dir', software_id: 'cli', metadata: { client_name: 'From statement' } });
    expect(v.client_id).toMatch(/^s_/);
    expect(v.metadata).not.toHaveProperty('software_statement');
    const exp = new Date((decodeJwt(statement).exp as number) * 1000).toISOString();
    const iat = new Date((decodeJwt(statement).iat as number) * 1000).toISOString();
    expect(v.evidence.statement).toEqual({ sha256: createHash('sha256').update(statement).digest('hex'), anchor: 'dir', kid: 'k1', alg: 'ES256', iat, exp });
  });

  it('a copied statement without keys cannot bind keys, redirects or grants of its own: they come from the statement alone', async () => {
    const statement = await sign({ software_id: 'copied', client_name: 'Signed', redirect_uris: ['https://cli.example/cb'] });
    const original = await validator.validate({ client_id: 'c_1', source: 'rfc7591', metadata: { software_statement: statement }, received_at: RECEIVED });
    const attackerKey = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    const copy = await validator.validate({
      client_id: 'c_2',
      source: 'rfc7591',
      metadata: {
        software_statement: statement,
        jwks: { keys: [attackerKey] },
        redirect_uris: ['https://attacker.example/cb'],
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
      },
      received_at: RECEIVED,
    });
    expect(copy).toMatchObject({ outcome: 'valid', client_id: original.client_id, jkts: [] });
    expect(copy.metadata).toEqual(original.metadata);
    expect(copy.metadata).not.toHaveProperty('jwks');
    expect(copy.metadata).toMatchObject({ redirect_uris: ['https://cli.example/cb'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });
  });

  it('a copied statement with metadata of its own names another client, so it cannot change the original', async () => {
    const statement = await sign({ software_id: 'copied-2', redirect_uris: ['https://cli.example/cb'] });
    const original = await validator.validate({ client_id: 'c_1', source: 'rfc7591', metadata: { software_statement: statement }, received_at: RECEIVED });
    const copy = await validator.validate({ client_id: 'c_2', source: 'rfc7591', metadata: { software_statement: statement, client_name: 'Your Bank' }, received_at: RECEIVED });
    expect(copy).toMatchObject({ outcome: 'valid', software_id: 'copied-2', metadata: { client_name: 'Your Bank' } });
    expect(copy.client_id).toMatch(/^s_[A-Za-z0-9_-]{43}$/);
    expect(copy.client_id).not.toBe(original.client_id);
    // The same additions, in another key order, name the same client.
    const again = await validator.validate({ client_id: 'c_3', source: 'rfc7591', metadata: { client_name: 'Your Bank', software_statement: statement }, received_at: RECEIVED });
    expect(again.client_id).toBe(copy.client_id);
  });

  it.each([
    ['a NUL in a signed client_name', { software_id: 'nul-name', client_name: 'A\u0000', redirect_uris: ['https://cli.example/cb'] }, 'invalid_client_metadata'],
    ['a lone surrogate in a signed redirect URI', { software_id: 'lone', redirect_uris: ['https://cli.example/\ud800'] }, 'invalid_client_metadata'],
    ['a NUL in software_id', { software_id: 'x\u0000', redirect_uris: ['https://cli.example/cb'] }, 'ERR_STATEMENT_CLAIM_INVALID'],
  ])('a statement holding %s is refused, and its failed validation can be stored', async (_name, claims, code) => {
    const statement = await sign(claims);
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: statement }, received_at: RECEIVED });
    expect(v).toMatchObject({ outcome: 'invalid', errors: [{ code }] });
    expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
  });

  it('a metadata document holding a lone surrogate is refused, and its failed validation can be stored', async () => {
    const url = 'https://client.example/lone.json';
    fetcher.bodies.set(url, JSON.stringify({ client_id: url, redirect_uris: ['https://client.example/cb'], client_name: 'App\udc00' }));
    const v = await validator.validate({ client_id: url, source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({ outcome: 'invalid', errors: [{ code: 'invalid_client_metadata', error: 'invalid_client_metadata' }] });
    expect(checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED })).toBeNull();
  });

  it('applies the metadata rules to what the statement says', async () => {
    const statement = await sign({ software_id: 'cli', redirect_uris: ['http://cli.example/cb'] });
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: statement }, received_at: RECEIVED });
    expect(v).toMatchObject({ source: 'software_statement', outcome: 'invalid', anchor: 'dir', errors: [{ code: 'invalid_redirect_uri' }] });
    expect(v.client_id).toMatch(/^s_/);
  });

  it('fails a statement that does not verify under the provisional id, the c_ id of its body', async () => {
    const metadata = { software_statement: 'x.y.z' };
    const v = await validator.validate({ client_id: metadataClientId(metadata), source: 'rfc7591', metadata, received_at: RECEIVED });
    expect(v).toMatchObject({ client_id: metadataClientId(metadata), source: 'software_statement', outcome: 'invalid', evidence: {}, errors: [{ error: 'invalid_software_statement' }] });
  });

  it('takes plain metadata at its word, as self-asserted', async () => {
    const metadata = { redirect_uris: ['https://app.example/cb'] };
    const v = await validator.validate({ client_id: metadataClientId(metadata), source: 'rfc7591', metadata, received_at: RECEIVED });
    expect(v).toEqual(expect.objectContaining({ client_id: metadataClientId(metadata), source: 'self_asserted', outcome: 'valid', evidence: {}, jkts: [] }));
  });

  describe("the ids are Admit's, whatever a producer put in client_id", () => {
    const stored = (v: object) => checkEventData(Topic.RegistrationValidated, { ...v, validated_at: RECEIVED });

    it('plain metadata gets the c_ id of its body; a producer id naming another client is only recorded as requested_as', async () => {
      const metadata = { redirect_uris: ['https://app.example/cb'], client_name: 'Producer' };
      const v = await validator.validate({ client_id: 's_someone-elses-client', source: 'rfc7591', metadata, received_at: RECEIVED });
      expect(v).toMatchObject({ client_id: metadataClientId(metadata), source: 'self_asserted', outcome: 'valid', evidence: { requested_as: 's_someone-elses-client' } });
      expect(stored(v)).toBeNull();
    });

    it('a statement gets its derived s_ id; a disagreeing producer id is recorded as requested_as, the provisional c_ id is not', async () => {
      const statement = await sign({ software_id: 'kafka-producer', redirect_uris: ['https://cli.example/cb'] });
      const metadata = { software_statement: statement };
      const named = await validator.validate({ client_id: 'https://client.example/app.json', source: 'rfc7591', metadata, received_at: RECEIVED });
      const provisional = await validator.validate({ client_id: metadataClientId(metadata), source: 'rfc7591', metadata, received_at: RECEIVED });
      expect(named.client_id).toMatch(/^s_[A-Za-z0-9_-]{43}$/);
      expect(named).toMatchObject({ client_id: provisional.client_id, outcome: 'valid', evidence: { requested_as: 'https://client.example/app.json' } });
      expect(provisional.evidence).not.toHaveProperty('requested_as');
      expect(stored(named)).toBeNull();
    });

    it('a statement that fails verification gets the c_ id of its body, and the producer id is recorded', async () => {
      const metadata = { software_statement: 'x.y.z', client_name: 'Producer' };
      const v = await validator.validate({ client_id: 'my-own-id', source: 'rfc7591', metadata, received_at: RECEIVED });
      expect(v).toMatchObject({ client_id: metadataClientId(metadata), outcome: 'invalid', evidence: { requested_as: 'my-own-id' } });
      expect(stored(v)).toBeNull();
    });

    it('a metadata document request is named by its URL, which is the request, so nothing is recorded', async () => {
      const v = await validator.validate({ client_id: 'https://client.example/none.json', source: 'cimd', received_at: RECEIVED });
      expect(v).toMatchObject({ client_id: 'https://client.example/none.json', outcome: 'invalid', evidence: {} });
      expect(v.evidence).not.toHaveProperty('requested_as');
    });
  });
});
