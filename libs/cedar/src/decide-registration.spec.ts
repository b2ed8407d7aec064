// Real: everything (Cedar wasm, the repo's policies/ and its schema, policy files in fresh temp dirs); nothing stubbed.
import { checkEventData, EventData, Problem, RegistrationError, Topic } from '@admit/contracts';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideRegistration, DEFAULT_ADMISSION_TTL_S } from './decide-registration';
import { PolicySet } from './policy-set';
import { policyDir, REPO_POLICIES } from './testing/policy-dir';

type Validated = EventData<typeof Topic.RegistrationValidated>;

const NOW = new Date('2026-06-01T12:00:00.000Z');
const JKT = 'A'.repeat(43);
const metadata = { redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' };
const policies = (text: string) => PolicySet.load(policyDir({ 'test.cedar': text }));

const at = (offsetS: number) => new Date(NOW.getTime() + offsetS * 1000).toISOString();

/** A valid outcome, validated at NOW. */
function valid(fields: Omit<Validated, 'outcome' | 'errors' | 'validated_at'>): Validated {
  return { outcome: 'valid', errors: [], validated_at: NOW.toISOString(), ...fields };
}

function selfAsserted(overrides: Partial<Validated> = {}): Validated {
  return valid({ client_id: 'c_abc', source: 'self_asserted', metadata, evidence: {}, jkts: [], ...overrides });
}

function cimd(cacheTtlS = 3600, overrides: Partial<Validated> = {}): Validated {
  const url = 'https://app.example/client.json';
  return valid({
    client_id: url,
    source: 'cimd',
    metadata,
    evidence: { document: { url, sha256: 'a'.repeat(64), fetched_at: NOW.toISOString(), status: 200, cache_ttl_s: cacheTtlS } },
    origin: 'https://app.example',
    jkts: [JKT],
    ...overrides,
  });
}

function statement(expInS = 3600, overrides: Partial<Validated> = {}): Validated {
  return valid({
    client_id: 's_abc',
    source: 'software_statement',
    metadata,
    evidence: { statement: { sha256: 'b'.repeat(64), anchor: 'acme', kid: 'k1', alg: 'ES256', exp: at(expInS) } },
    anchor: 'acme',
    software_id: 'acme-cli',
    jkts: [],
    ...overrides,
  });
}

const LEAF = 'https://leaf.fed.example';
const INTERMEDIATE = 'https://intermediate.fed.example';
const TA = 'https://ta.fed.example';

function federation(chainExpInS = 3600, overrides: Partial<Validated> = {}): Validated {
  const statements = [
    { iss: LEAF, sub: LEAF, sha256: 'c'.repeat(64), exp: at(chainExpInS) },
    { iss: INTERMEDIATE, sub: LEAF, sha256: 'd'.repeat(64), exp: at(7200) },
    { iss: TA, sub: INTERMEDIATE, sha256: 'e'.repeat(64), exp: at(7200) },
    { iss: TA, sub: TA, sha256: 'f'.repeat(64), exp: at(7200) },
  ];
  return valid({
    client_id: LEAF,
    source: 'federation',
    metadata,
    evidence: {
      federation: {
        entity_id: LEAF,
        anchor: 'fed',
        anchor_entity_id: TA,
        path: [LEAF, INTERMEDIATE, TA],
        statements,
        expires_at: at(chainExpInS),
        client_type: 'openid_relying_party',
        metadata,
        trust_marks: [{ type: 'https://trust.example/accredited', issuer: 'https://marks.fed.example' }],
        rejected_trust_marks: [],
      },
    },
    anchor: 'fed',
    intermediates: [INTERMEDIATE],
    trust_marks: ['https://trust.example/accredited'],
    jkts: [],
    ...overrides,
  });
}

const WORKLOAD = 'spiffe://prod.example/ns/payments/api';

function spiffe(svidExpInS = 300): Validated {
  return valid({
    client_id: WORKLOAD,
    source: 'spiffe',
    metadata: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' },
    evidence: { spiffe: { spiffe_id: WORKLOAD, anchor: 'prod', trust_domain: 'prod.example', svid_sha256: 'a'.repeat(64), exp: at(svidExpInS), template: 'ns/payments/' } },
    anchor: 'prod',
    trust_domain: 'prod.example',
    spiffe_path: ['ns', 'payments', 'api'],
    jkts: [],
  });
}

const AGENT_JKT = 'b'.repeat(43);

function attested(attestationExpInS = 300): Validated {
  return valid({
    client_id: 'agent-7f3a',
    source: 'client_attestation',
    metadata: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' },
    evidence: { client_attestation: { attester: 'agents', issuer: 'https://agents.platform.example', jkt: AGENT_JKT, attestation_sha256: 'a'.repeat(64), exp: at(attestationExpInS) } },
    anchor: 'agents',
    attester: 'agents',
    jkts: [AGENT_JKT],
  });
}

function invalid(errors: Problem[]): Validated {
  return { client_id: 'c_abc', source: 'self_asserted', outcome: 'invalid', errors, evidence: {}, jkts: [], validated_at: NOW.toISOString() };
}

const permitAll = () => policies('@id("permit-all") permit (principal, action, resource);');
const evidenceDigest = (v: Validated) => createHash('sha256').update(canonicalize(v.evidence) as string).digest('hex');

describe('decideRegistration', () => {
  describe('after failed validation', () => {
    const errors: Problem[] = [
      { code: RegistrationError.InvalidRedirectUri, description: '"http://a.example/" must use https' },
      { code: RegistrationError.InvalidClientMetadata, description: 'client_secret must not be sent' },
    ];

    it('denies with the validation reasons and the first code, even under a permit-all policy', () => {
      const set = permitAll();
      expect(decideRegistration(set, invalid(errors), NOW)).toStrictEqual({
        client_id: 'c_abc',
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'deny',
        determining_policies: [],
        reasons: errors,
        error: RegistrationError.InvalidRedirectUri,
      });
    });

    it('denies with a generic reason when the validator gave none', () => {
      expect(decideRegistration(permitAll(), invalid([]), NOW)).toMatchObject({
        decision: 'deny',
        determining_policies: [],
        reasons: [{ code: RegistrationError.InvalidClientMetadata, description: 'validation failed' }],
        error: RegistrationError.InvalidClientMetadata,
      });
    });

    it('denies an outcome of valid that carries no metadata, and never passes metadata or an admission on', () => {
      const decided = decideRegistration(permitAll(), selfAsserted({ metadata: undefined }), NOW);
      expect(decided).toMatchObject({ decision: 'deny', determining_policies: [], error: RegistrationError.InvalidClientMetadata });
      expect('metadata' in decided || 'admission' in decided).toBe(false);
      expect('metadata' in decideRegistration(permitAll(), { ...invalid(errors), metadata }, NOW)).toBe(false);
    });
  });

  describe('under the default policies/', () => {
    const set = PolicySet.load(REPO_POLICIES);
    /** The default policies and one file of policies/examples. */
    const withPolicyExample = (name: string) => PolicySet.fromFiles({ ...set.files, files: [...set.files.files, { name, text: readFileSync(join(REPO_POLICIES, 'examples', name), 'utf8') }] });

    it('loads them, with their ids', () => {
      expect(set.version).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(set.policyIds).toEqual([
        'access-admitted',
        'admission-lifetime',
        'admission-expired',
        'sensitive-needs-fresh-admission',
        'sensitive-needs-client-assertion',
        'register-cimd',
        'register-software-statement',
        'register-federation',
        'register-spiffe',
        'register-client-attestation',
        'self-asserted-not-admitted',
        'flag-loopback-redirect-uris',
      ]);
    });

    it('admits a CIMD client for 15 minutes when its document may be cached longer', () => {
      const v = cimd(3600);
      expect(decideRegistration(set, v, NOW)).toStrictEqual({
        client_id: v.client_id,
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'allow',
        determining_policies: ['register-cimd'],
        reasons: [{ code: 'policy:register-cimd', description: "the client's metadata document was fetched from its client_id URL and checked" }],
        metadata: v.metadata,
        admission: {
          source: 'cimd',
          origin: 'https://app.example',
          jkts: [JKT],
          evidence_sha256: evidenceDigest(v),
          validated_at: NOW.toISOString(),
          expires_at: at(900),
          flags: [],
        },
      });
    });

    it('admits an anchor-signed client, with its anchor and software id', () => {
      const v = statement();
      expect(decideRegistration(set, v, NOW)).toMatchObject({
        decision: 'allow',
        determining_policies: ['register-software-statement'],
        reasons: [{ code: 'policy:register-software-statement', description: "the client's software statement is signed by a trusted anchor" }],
        admission: { source: 'software_statement', anchor: 'acme', software_id: 'acme-cli', evidence_sha256: evidenceDigest(v), expires_at: at(900), flags: [] },
      });
    });

    it.each([
      ['a federation leaf with its anchor, intermediates and trust marks, never past its chain', federation, 'register-federation', { source: 'federation', anchor: 'fed', intermediates: [INTERMEDIATE], trust_marks: ['https://trust.example/accredited'] }],
      ['a SPIFFE workload with its trust domain and path, never past its SVID', spiffe, 'register-spiffe', { source: 'spiffe', anchor: 'prod', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments', 'api'] }],
      ['an attested agent with its attester and bound key, never past its attestation', attested, 'register-client-attestation', { source: 'client_attestation', anchor: 'agents', attester: 'agents', jkts: [AGENT_JKT] }],
    ])('admits %s', (_, validated, policy, admission) => {
      const v = validated(120);
      expect(checkEventData(Topic.RegistrationValidated, v)).toBeNull();
      expect(decideRegistration(set, v, NOW)).toMatchObject({ decision: 'allow', determining_policies: [policy], admission: { ...admission, expires_at: at(120) } });
      expect(decideRegistration(set, validated(3600), NOW).admission?.expires_at).toBe(at(900));
    });

    it('admits only federation leaves with the given trust mark under the example policy', () => {
      const withExample = withPolicyExample('federation-trust-mark.cedar');
      expect(decideRegistration(withExample, federation(), NOW)).toMatchObject({ decision: 'allow', determining_policies: ['register-federation'] });
      expect(decideRegistration(withExample, federation(3600, { trust_marks: ['https://trust.example/other'] }), NOW)).toMatchObject({
        decision: 'deny',
        determining_policies: ['federation-needs-trust-mark'],
        reasons: [{ code: 'policy:federation-needs-trust-mark', description: 'a federation client needs the https://trust.example/accredited trust mark' }],
      });
      // Other sources are not affected.
      expect(decideRegistration(withExample, cimd(), NOW)).toMatchObject({ decision: 'allow' });
    });

    it('denies self-asserted metadata with the reason of the policy that explains it', () => {
      expect(decideRegistration(set, selfAsserted(), NOW)).toStrictEqual({
        client_id: 'c_abc',
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'deny',
        determining_policies: [],
        reasons: [
          {
            code: 'policy:self-asserted-not-admitted',
            description: 'self-asserted client metadata is not admitted by the active policy; use a client ID metadata document or a software statement from a trust anchor',
          },
        ],
        error: RegistrationError.InvalidClientMetadata,
      });
    });

    it('flags loopback-only redirect URIs without denying', () => {
      const loopback = { ...metadata, redirect_uris: ['http://127.0.0.1:8765/cb', 'http://localhost/cb', 'http://[::1]/cb'] };
      expect(decideRegistration(set, cimd(3600, { metadata: loopback }), NOW)).toMatchObject({ decision: 'allow', admission: { flags: ['loopback_redirect_uris'] } });
      const mixed = { ...metadata, redirect_uris: ['http://127.0.0.1/cb', 'https://app.example/cb'] };
      expect(decideRegistration(set, cimd(3600, { metadata: mixed }), NOW)).toMatchObject({ decision: 'allow', admission: { flags: [] } });
      const custom = { ...metadata, redirect_uris: ['com.example.app:/cb'] };
      expect(decideRegistration(set, cimd(3600, { metadata: custom }), NOW)).toMatchObject({ decision: 'allow', admission: { flags: [] } });
    });

    it('admits self-asserted metadata with the development example added', () => {
      const withExample = withPolicyExample('allow-self-asserted.cedar');
      expect(decideRegistration(withExample, selfAsserted(), NOW)).toMatchObject({
        decision: 'allow',
        determining_policies: ['register-self-asserted'],
        reasons: [{ code: 'policy:register-self-asserted', description: 'self-asserted metadata is admitted (development policy)' }],
        admission: { source: 'self_asserted', expires_at: at(300), flags: [] },
      });
    });
  });

  describe('the admission lifetime', () => {
    const set = policies('@id("p") @admission_ttl_s("600") permit (principal, action, resource);');

    it('is the policy maximum when the document and statement last longer', () => {
      expect(decideRegistration(set, cimd(3600), NOW).admission?.expires_at).toBe(at(600));
      expect(decideRegistration(set, statement(3600), NOW).admission?.expires_at).toBe(at(600));
    });

    it("is the document's cache lifetime, counted from its fetch, when that is shorter", () => {
      const v = cimd(120);
      v.evidence = { document: { ...(v.evidence.document as object), fetched_at: at(-30) } } as Validated['evidence'];
      expect(decideRegistration(set, v, NOW).admission?.expires_at).toBe(at(90));
    });

    it("is the statement's exp when that is sooner", () => {
      expect(decideRegistration(set, statement(45), NOW).admission?.expires_at).toBe(at(45));
    });

    it('is the smallest @admission_ttl_s among the permits that allowed, else 900 s', () => {
      const two = policies('@id("a") @admission_ttl_s("600") permit (principal, action, resource);\n@id("b") @admission_ttl_s("120") permit (principal, action, resource);');
      expect(decideRegistration(two, cimd(3600), NOW).admission?.expires_at).toBe(at(120));
      expect(decideRegistration(permitAll(), cimd(86_400), NOW).admission?.expires_at).toBe(at(DEFAULT_ADMISSION_TTL_S));
    });

    it('never ends before validation', () => {
      const v = cimd(10);
      v.evidence = { document: { ...(v.evidence.document as object), fetched_at: at(-60) } } as Validated['evidence'];
      expect(decideRegistration(set, v, NOW).admission?.expires_at).toBe(NOW.toISOString());
    });
  });

  describe('with policies of its own', () => {
    it('names the forbid and its reason when a forbid wins over a permit', () => {
      const set = policies('@id("permit-all") permit (principal, action, resource);\n@id("no-cimd") @reason("no documents here") forbid (principal, action, resource) when { principal.source == "cimd" };');
      expect(decideRegistration(set, selfAsserted(), NOW).decision).toBe('allow');
      expect(decideRegistration(set, cimd(), NOW)).toMatchObject({ decision: 'deny', determining_policies: ['no-cimd'], reasons: [{ code: 'policy:no-cimd', description: 'no documents here' }], error: 'invalid_client_metadata' });
    });

    it('says ERR_NO_PERMIT when nothing permits and nothing explains', () => {
      expect(decideRegistration(policies('forbid (principal, action, resource) when { false };'), cimd(), NOW)).toMatchObject({
        decision: 'deny',
        determining_policies: [],
        reasons: [{ code: 'ERR_NO_PERMIT', description: 'no policy permits this registration' }],
      });
    });

    it('describes a permit without @reason by its id', () => {
      expect(decideRegistration(permitAll(), cimd(), NOW).reasons).toEqual([{ code: 'policy:permit-all', description: 'permitted by permit-all' }]);
    });

    it('lets policies see the client: principal id, grant types, scopes, redirect hosts and key thumbprints', () => {
      const set = policies(
        '@id("p") permit (principal == Admit::Client::"https://app.example/client.json", action, resource == Admit::Registry::"admit") when { principal.grant_types.contains("authorization_code") && principal.scopes.contains("read") && principal.redirect_hosts == ["app.example"] && principal.jkts.contains("' + JKT + '") };',
      );
      expect(decideRegistration(set, cimd(3600, { metadata: { ...metadata, scope: 'read  write' } }), NOW).decision).toBe('allow');
      expect(decideRegistration(set, cimd(3600, { metadata: { ...metadata, scope: 'write' } }), NOW).decision).toBe('deny');
    });

    it.each([
      ['with quotes', 'c_"quoted"'],
      ['with a NUL', 'c_\u0000nul'],
      ['in unicode', 'c_✓ 客户端'],
      ['__proto__', '__proto__'],
      ['of the maximum length', 'x'.repeat(2048)],
    ])('decides safely for a client id %s', (_name, clientId) => {
      const set = policies('@id("only-good") permit (principal == Admit::Client::"c_good", action, resource);');
      const decided = decideRegistration(set, selfAsserted({ client_id: clientId }), NOW);
      expect({ client_id: decided.client_id, decision: decided.decision }).toEqual({ client_id: clientId, decision: 'deny' });
    });
  });

  describe('the decided event it builds', () => {
    it.each([
      ['a permit', () => permitAll(), cimd()],
      ['a default deny', () => policies('forbid (principal, action, resource) when { false };'), cimd()],
      ['a forbid', () => policies('forbid (principal, action, resource);'), statement()],
      ['failed validation', () => permitAll(), invalid([{ code: RegistrationError.InvalidRedirectUri, description: 'bad' }])],
      ['many determining policies', () => policies(Array.from({ length: 65 }, () => 'permit (principal, action, resource);').join('\n')), cimd()],
      ['a policy id longer than a reason code may be', () => policies(`@id("${'p'.repeat(200)}") permit (principal, action, resource);`), cimd()],
    ])('satisfies the RegistrationDecided contract after %s', (_name, set, validated) => {
      expect(checkEventData(Topic.RegistrationDecided, decideRegistration(set(), validated, NOW))).toBeNull();
    });
  });
});
