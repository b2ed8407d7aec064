// Real: everything (Cedar wasm, the repo's policies/ and its schema, policy files in fresh temp dirs); nothing stubbed.
import { Admission } from '@admit/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessRequest, decideAccess } from './decide-access';
import { PolicySet } from './policy-set';
import { policyDir, REPO_POLICIES, REPO_SCHEMA } from './testing/policy-dir';

const VALIDATED = new Date('2026-06-01T12:00:00.000Z');

const at = (offsetS: number) => new Date(VALIDATED.getTime() + offsetS * 1000);

const admission: Admission = {
  source: 'cimd',
  origin: 'https://app.example',
  jkts: [],
  evidence_sha256: 'c'.repeat(64),
  validated_at: VALIDATED.toISOString(),
  expires_at: at(600).toISOString(),
  flags: [],
};

function check(overrides: Partial<AccessRequest> & { ageS?: number } = {}): AccessRequest {
  const { ageS = 10, ...rest } = overrides;
  return { client_id: 'https://app.example/client.json', admission, action: 'read_file', now: at(ageS), ...rest };
}

const policies = (files: Record<string, string>, schema = REPO_SCHEMA) => PolicySet.load(policyDir(files, schema));

describe('the example SPIFFE namespace policy', () => {
  const set = PolicySet.fromFiles({
    ...PolicySet.load(REPO_POLICIES).files,
    files: [...PolicySet.load(REPO_POLICIES).files.files, { name: 'spiffe-namespace.cedar', text: readFileSync(join(REPO_POLICIES, 'examples', 'spiffe-namespace.cedar'), 'utf8') }],
  });
  const workload = (path: string[], trustDomain = 'prod.example'): AccessRequest =>
    check({
      client_id: `spiffe://${trustDomain}/${path.join('/')}`,
      admission: { ...admission, source: 'spiffe', origin: undefined, anchor: 'prod', trust_domain: trustDomain, spiffe_path: path },
      context: { sensitivity: 'sensitive', client_assertion: 'verified' },
    });

  it('lets only workloads under ns/payments (whole segments) of prod.example perform sensitive actions', () => {
    expect(decideAccess(set, workload(['ns', 'payments', 'api']))).toMatchObject({ decision: 'allow', determining_policies: ['access-admitted'] });
    for (const denied of [workload(['ns', 'payments2', 'api']), workload(['ns', 'other', 'api']), workload(['ns', 'payments', 'api'], 'staging.example')]) {
      expect(decideAccess(set, denied)).toMatchObject({
        decision: 'deny',
        determining_policies: ['spiffe-sensitive-only-payments'],
        reasons: [{ code: 'policy:spiffe-sensitive-only-payments', description: 'only workloads under spiffe://prod.example/ns/payments may perform sensitive actions' }],
      });
    }
    // Normal actions, and clients of other sources, are not affected.
    expect(decideAccess(set, { ...workload(['ns', 'other', 'api']), context: { sensitivity: 'normal' } })).toMatchObject({ decision: 'allow' });
    expect(decideAccess(set, check({ context: { sensitivity: 'sensitive', client_assertion: 'verified' } }))).toMatchObject({ decision: 'allow' });
  });
});

describe('decideAccess with a policy on access that reads the client’s metadata', () => {
  // Cedar is sent only the attributes the policies that may apply read: this one must still see scopes and redirect hosts.
  const set = PolicySet.fromFiles({
    ...PolicySet.load(REPO_POLICIES).files,
    files: [
      ...PolicySet.load(REPO_POLICIES).files.files,
      {
        name: 'admins.cedar',
        text: `@id("no-admin-tools")
          forbid (principal, action in Admit::Action::"access", resource)
          when { principal.scopes.contains("admin") || principal.redirect_hosts.contains("evil.example") };`,
      },
    ],
  });
  const withMetadata = (scope: string, redirect: string): AccessRequest => check({ metadata: { redirect_uris: [redirect], scope } });

  it('decides on those attributes', () => {
    expect(decideAccess(set, withMetadata('openid tools', 'https://app.example/cb'))).toMatchObject({ decision: 'allow', determining_policies: ['access-admitted'] });
    expect(decideAccess(set, withMetadata('openid admin', 'https://app.example/cb'))).toMatchObject({ decision: 'deny', determining_policies: ['no-admin-tools'] });
    expect(decideAccess(set, withMetadata('openid', 'https://evil.example/cb'))).toMatchObject({ decision: 'deny', determining_policies: ['no-admin-tools'] });
  });
});

describe('decideAccess under the default policies/', () => {
  const set = PolicySet.load(REPO_POLICIES);
  /** The whole answer when the one policy `id` decided. */
  const decidedBy = (decision: 'allow' | 'deny', id: string, description: string, revalidate: boolean, ageS: number) => ({
    decision,
    policy_version: set.version,
    determining_policies: [id],
    reasons: [{ code: `policy:${id}`, description }],
    revalidate,
    admission_age_s: ageS,
  });

  it('allows a normal action on a fresh admission', () => {
    expect(decideAccess(set, check())).toStrictEqual(decidedBy('allow', 'access-admitted', 'the client holds a current admission', false, 10));
  });

  it('a caller that knows only the client id cannot make a sensitive call: without a verified client assertion it is denied, and not revalidated', () => {
    for (const client_assertion of [undefined, 'absent'] as const) {
      expect(decideAccess(set, check({ ageS: 10, context: { sensitivity: 'sensitive', client_assertion } }))).toStrictEqual(
        decidedBy('deny', 'sensitive-needs-client-assertion', 'a sensitive action needs a verified client assertion', false, 10),
      );
    }
    expect(decideAccess(set, check({ ageS: 10, context: { sensitivity: 'normal' } })).decision).toBe('allow');
  });

  it('allows a sensitive action with a verified client assertion on an admission at most 60 s old, and asks to revalidate an older one', () => {
    const verified = { sensitivity: 'sensitive', client_assertion: 'verified' } as const;
    expect(decideAccess(set, check({ ageS: 60, context: verified })).decision).toBe('allow');
    expect(decideAccess(set, check({ ageS: 61, context: verified }))).toStrictEqual(
      decidedBy('deny', 'sensitive-needs-fresh-admission', 'a sensitive action needs an admission fresher than 60 seconds; admit the client again', true, 61),
    );
  });

  it('asks to revalidate an admission older than 15 minutes, whatever its expiry says', () => {
    const long = { ...admission, expires_at: at(3600).toISOString() };
    expect(decideAccess(set, check({ admission: long, ageS: 900 })).decision).toBe('allow');
    expect(decideAccess(set, check({ admission: long, ageS: 901 }))).toMatchObject({
      decision: 'deny',
      determining_policies: ['admission-lifetime'],
      reasons: [{ code: 'policy:admission-lifetime', description: 'the admission is older than 15 minutes; admit the client again' }],
      revalidate: true,
    });
  });

  it('asks to revalidate an admission past its expiry', () => {
    expect(decideAccess(set, check({ ageS: 599 })).decision).toBe('allow');
    expect(decideAccess(set, check({ ageS: 600 }))).toMatchObject({ decision: 'deny', determining_policies: ['admission-expired'], revalidate: true });
  });

  it('names every freshness bound that denied, and still asks to revalidate', () => {
    const decided = decideAccess(set, check({ ageS: 1000, context: { sensitivity: 'sensitive', client_assertion: 'verified' } }));
    expect({ ...decided, determining_policies: [...decided.determining_policies].sort() }).toMatchObject({
      decision: 'deny',
      determining_policies: ['admission-expired', 'admission-lifetime', 'sensitive-needs-fresh-admission'],
      revalidate: true,
    });
  });

  it('refuses an action named like one of Admit\'s own', () => {
    for (const action of ['register', 'access']) {
      expect(decideAccess(set, check({ action }))).toMatchObject({ decision: 'deny', determining_policies: [], reasons: [{ code: 'ERR_ACTION_RESERVED', description: `"${action}" is not an access action` }], revalidate: false });
    }
  });
});

describe('decideAccess with policies of its own', () => {
  it('does not ask to revalidate when a forbid without @revalidate also denied', () => {
    const set = policies({
      'a.cedar': [
        '@id("ok") permit (principal, action in Admit::Action::"access", resource);',
        '@id("fresh") @revalidate forbid (principal, action in Admit::Action::"access", resource) when { context.admission_age_s > 5 };',
        '@id("no-self") @reason("no self-asserted clients") forbid (principal, action in Admit::Action::"access", resource) when { principal.source == "self_asserted" };',
      ].join('\n'),
    });
    expect(decideAccess(set, check({ ageS: 6 }))).toMatchObject({ decision: 'deny', determining_policies: ['fresh'], revalidate: true });
    const both = decideAccess(set, check({ ageS: 6, admission: { ...admission, source: 'self_asserted' } }));
    expect({ decision: both.decision, determining: [...both.determining_policies].sort(), revalidate: both.revalidate }).toEqual({ decision: 'deny', determining: ['fresh', 'no-self'], revalidate: false });
  });

  it('does not ask to revalidate a default deny, and explains it when a policy does', () => {
    const set = policies({ 'a.cedar': '@id("why") @explains_deny @reason("only declared tools") permit (principal, action in Admit::Action::"access", resource);\n@id("never") permit (principal, action == Admit::Action::"register", resource);' });
    expect(decideAccess(set, check())).toMatchObject({ decision: 'deny', determining_policies: [], reasons: [{ code: 'policy:why', description: 'only declared tools' }], revalidate: false });
  });

  it('lets policies name an action declared in the schema, and the resource and client assertion', () => {
    const schema = REPO_SCHEMA.replace(
      /\n}\s*$/,
      '\n  action "deploy" in [access] appliesTo { principal: [Client], resource: [Resource], context: RequestContext };\n}\n',
    );
    const set = policies(
      { 'a.cedar': '@id("deploy-prod") permit (principal, action == Admit::Action::"deploy", resource == Admit::Resource::"prod") when { context.client_assertion == "verified" };' },
      schema,
    );
    expect(decideAccess(set, check({ action: 'deploy', resource: 'prod', context: { client_assertion: 'verified' } })).decision).toBe('allow');
    expect(decideAccess(set, check({ action: 'deploy', resource: 'prod' })).decision).toBe('deny');
    expect(decideAccess(set, check({ action: 'deploy', resource: 'staging', context: { client_assertion: 'verified' } })).decision).toBe('deny');
    expect(decideAccess(set, check({ action: 'read_file', resource: 'prod', context: { client_assertion: 'verified' } })).decision).toBe('deny');
  });

  it('gives policies the scopes of the metadata, when the caller has it', () => {
    const set = policies({ 'a.cedar': '@id("scoped") permit (principal, action in Admit::Action::"access", resource) when { principal.scopes.contains("tools") };' });
    expect(decideAccess(set, check({ metadata: { scope: 'openid tools' } })).decision).toBe('allow');
    expect(decideAccess(set, check()).decision).toBe('deny');
  });
});
