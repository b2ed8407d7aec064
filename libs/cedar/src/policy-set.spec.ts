// Real: everything (Cedar wasm, the repo's policies/admit.cedarschema, files under fresh temp dirs); nothing stubbed.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownBy } from '@admit/contracts/testing';
import { PolicyLoadError } from './policy-error';
import { policyDir, REPO_POLICIES, REPO_SCHEMA as SCHEMA } from './testing/policy-dir';
import { AuthorizationRequest } from './decision';
import { cedar } from './cedar-wasm';
import { PolicySet, preparsedId, PREPARSED_VERSIONS } from './policy-set';

const PERMIT_REGISTER = 'permit (principal, action == Admit::Action::"register", resource);';

const loadError = (dir: string) => thrownBy(PolicyLoadError, () => PolicySet.load(dir));

function request(action = 'register'): AuthorizationRequest {
  return {
    principal: { type: 'Admit::Client', id: 'c_1' },
    action: { type: 'Admit::Action', id: action },
    resource: { type: 'Admit::Registry', id: 'admit' },
    context: {},
    entities: [],
  };
}

describe('PolicySet.load', () => {
  describe('version', () => {
    it('is sha256:<64 hex>', () => {
      expect(PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).version).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('is the same for identical content in different folders, and the set is not parsed again', () => {
      const files = { 'a.cedar': PERMIT_REGISTER, 'b.cedar': 'forbid (principal, action, resource) when { false };' };
      const first = PolicySet.load(policyDir(files));
      const second = PolicySet.load(policyDir(files));
      expect(second.version).toBe(first.version);
      expect(second).toBe(first);
    });

    it('changes when any policy text or the schema changes, even by one character', () => {
      const before = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).version;
      expect(PolicySet.load(policyDir({ 'a.cedar': `${PERMIT_REGISTER} ` })).version).not.toBe(before);
      expect(PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER, 'b.cedar': '' })).version).not.toBe(before);
      expect(PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER }, `${SCHEMA}\n`)).version).not.toBe(before);
    });

    it('ignores files that are not *.cedar, and subfolders', () => {
      const before = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).version;
      const after = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER, 'README.md': '# notes', 'a.cedar.bak': 'garbage(' })).version;
      expect(after).toBe(before);
    });
  });

  describe('policy ids', () => {
    it('come from @id("…"), else <file>#<index in file>, over files in name order', () => {
      const set = PolicySet.load(
        policyDir({
          'b.cedar': `${PERMIT_REGISTER}\n@id("named-in-b") ${PERMIT_REGISTER}`,
          'a.cedar': `// a comment\n@id("first") ${PERMIT_REGISTER}\n${PERMIT_REGISTER}\n@desc("no id") ${PERMIT_REGISTER}`,
        }),
      );
      expect(set.policyIds).toEqual(['first', 'a.cedar#1', 'a.cedar#2', 'b.cedar#0', 'named-in-b']);
    });

    it('keeps unicode ids and ids written with spaces', () => {
      expect(PolicySet.load(policyDir({ 'a.cedar': `@id("règle-✓") ${PERMIT_REGISTER}\n@id ( "spaced" ) ${PERMIT_REGISTER}` })).policyIds).toEqual(['règle-✓', 'spaced']);
    });

    it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('accepts the id %j, which Object.prototype also has', (id) => {
      const set = PolicySet.load(policyDir({ 'a.cedar': `@id("${id}") ${PERMIT_REGISTER}` }));
      expect(set.policyIds).toEqual([id]);
      expect(set.isAuthorized(request())).toEqual({ decision: 'allow', determining: [id], errors: [], advice: [] });
    });
  });

  describe('annotations', () => {
    it('reads @reason, @admission_ttl_s, @revalidate, @flag and @explains_deny', () => {
      const set = PolicySet.load(
        policyDir({
          'a.cedar': [
            `@id("p") @reason("because") @admission_ttl_s("120") ${PERMIT_REGISTER}`,
            '@id("f") @revalidate forbid (principal, action, resource) when { context.admission_age_s > 5 };',
            `@id("flag") @flag("odd_client") ${PERMIT_REGISTER}`,
            `@id("why") @explains_deny @reason("explained") ${PERMIT_REGISTER}`,
          ].join('\n'),
        }),
      );
      expect([set.policy('p'), set.policy('f'), set.policy('flag'), set.policy('why')]).toEqual([
        { id: 'p', file: 'a.cedar', effect: 'permit', reason: 'because', admissionTtlS: 120, revalidate: false, explainsDeny: false, flag: undefined },
        { id: 'f', file: 'a.cedar', effect: 'forbid', reason: undefined, revalidate: true, explainsDeny: false, flag: undefined },
        { id: 'flag', file: 'a.cedar', effect: 'permit', reason: undefined, revalidate: false, explainsDeny: false, flag: 'odd_client' },
        { id: 'why', file: 'a.cedar', effect: 'permit', reason: 'explained', revalidate: false, explainsDeny: true, flag: undefined },
      ]);
    });

    it('never lets an advisory policy decide', () => {
      const set = PolicySet.load(policyDir({ 'a.cedar': `@id("flag") @flag("x") ${PERMIT_REGISTER}\n@id("why") @explains_deny ${PERMIT_REGISTER}` }));
      const decision = set.isAuthorized(request());
      expect(decision).toMatchObject({ decision: 'deny', determining: [], errors: [] });
      expect(decision.advice.map((p) => p.id).sort()).toEqual(['flag', 'why']);
    });

    it.each([
      [`@id("p") @admission_ttl_s("0") ${PERMIT_REGISTER}`, 'a.cedar: policy p: @admission_ttl_s must be a positive whole number of seconds, not "0"'],
      [`@id("p") @admission_ttl_s("15m") ${PERMIT_REGISTER}`, 'a.cedar: policy p: @admission_ttl_s must be a positive whole number of seconds, not "15m"'],
      ['@id("p") @admission_ttl_s("60") forbid (principal, action, resource);', 'a.cedar: policy p: @admission_ttl_s belongs on a permit'],
      [`@id("p") @revalidate ${PERMIT_REGISTER}`, 'a.cedar: policy p: @revalidate belongs on a forbid'],
      [`@id("p") @flag ${PERMIT_REGISTER}`, 'a.cedar: policy p: @flag needs a value'],
      [`@id("p") @flag("Not A Flag") ${PERMIT_REGISTER}`, 'a.cedar: policy p: @flag must match ^[a-z0-9_]{1,128}$'],
      ['@id("p") @flag("x") forbid (principal, action, resource);', 'a.cedar: policy p: @flag and @explains_deny policies are written as permit (read: "applies to")'],
      [`@id("p") @flag("x") @admission_ttl_s("5") ${PERMIT_REGISTER}`, 'a.cedar: policy p: an advisory policy (@flag, @explains_deny) never decides, so it takes no @admission_ttl_s or @revalidate'],
      [`@id("p") @reason ${PERMIT_REGISTER}`, 'a.cedar: policy p: @reason needs a value'],
    ])('refuses %s', (text, message) => {
      const err = loadError(policyDir({ 'a.cedar': text }));
      expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_POLICY_INVALID', message });
    });
  });

  describe('errors', () => {
    it('throws ERR_POLICY_INVALID naming the file for a syntax error', () => {
      const err = loadError(policyDir({ 'good.cedar': PERMIT_REGISTER, 'bad.cedar': 'permit (principal, action' }));
      expect(err.code).toBe('ERR_POLICY_INVALID');
      expect(err.message).toMatch(/^bad\.cedar: /);
      expect(err.message).toContain('unexpected end of input');
    });

    it('throws with Cedar validation message for a policy the schema does not allow', () => {
      const err = loadError(policyDir({ 'a.cedar': PERMIT_REGISTER, 'typo.cedar': '@id("typo") permit (principal, action, resource) when { principal.sorce == "cimd" };' }));
      expect({ code: err.code, message: err.message }).toEqual({
        code: 'ERR_POLICY_INVALID',
        message: 'typo.cedar: for policy `typo`, attribute `sorce` on entity type `Admit::Client` not found (did you mean `source`?)',
      });
    });

    it('throws for an unknown action under the schema', () => {
      const err = loadError(policyDir({ 'a.cedar': '@id("x") permit (principal, action == Admit::Action::"revoke", resource);' }));
      expect(err.message).toMatch(/^a\.cedar: for policy `x`, /);
      expect(err.message).toContain('Admit::Action::"revoke"');
    });

    it('throws with Cedar message for an invalid schema', () => {
      const err = loadError(policyDir({ 'a.cedar': PERMIT_REGISTER }, 'namespace Admit { entity }'));
      expect({ code: err.code, message: err.message }).toEqual({
        code: 'ERR_POLICY_INVALID',
        message: 'admit.cedarschema: failed to parse schema from string: error parsing schema: unexpected token `}`',
      });
    });

    it.each([
      ['without the schema', () => policyDir({ 'a.cedar': PERMIT_REGISTER }, null), 'no admit.cedarschema in'],
      ['with no *.cedar file', () => policyDir({ 'policy.txt': PERMIT_REGISTER, 'x.cedar.disabled': PERMIT_REGISTER }), 'no *.cedar files in'],
    ])('throws for a folder %s', (_what, folder, message) => {
      const dir = folder();
      expect(loadError(dir).message).toBe(`${message} ${dir}`);
    });

    it('throws for a missing folder', () => {
      expect(() => PolicySet.load(join(tmpdir(), 'admit-policy-set-does-not-exist', String(process.pid)))).toThrow(/ENOENT/);
    });

    it('throws for duplicate ids, within a file, across files, and against generated ids', () => {
      expect(loadError(policyDir({ 'a.cedar': `@id("dup") ${PERMIT_REGISTER}\n@id("dup") forbid (principal, action, resource);` })).message).toBe('a.cedar: duplicate policy id dup');
      expect(loadError(policyDir({ 'a.cedar': `@id("dup") ${PERMIT_REGISTER}`, 'b.cedar': `@id("dup") ${PERMIT_REGISTER}` })).message).toBe('b.cedar: duplicate policy id dup');
      expect(loadError(policyDir({ 'a.cedar': `${PERMIT_REGISTER}\n@id("a.cedar#0") ${PERMIT_REGISTER}` })).message).toBe('a.cedar: duplicate policy id a.cedar#0');
    });
  });
});

describe('PolicySet.accessReads', () => {
  it('holds the attributes the default policies that can apply to an access action read, and none only registration reads', () => {
    expect([...PolicySet.load(REPO_POLICIES).accessReads].sort()).toEqual(['admission_age_s', 'client_assertion', 'expires_at', 'now', 'sensitivity']);
  });

  it('leaves out what only policies scoped to register read, and keeps what any other policy reads', () => {
    const set = PolicySet.load(
      policyDir({
        'register.cedar': `
          permit (principal, action == Admit::Action::"register", resource) when { principal.grant_types.contains("authorization_code") };
          forbid (principal, action in [Admit::Action::"register"], resource) when { principal has jkts && principal.jkts.isEmpty() };`,
        'any.cedar': `forbid (principal, action, resource) when { principal.scopes.contains("admin") };`,
        'access.cedar': `
          forbid (principal, action in Admit::Action::"access", resource) when { principal has origin && principal["origin"] == "https://x.example" && principal has software_id };
          forbid (principal, action in [Admit::Action::"access", Admit::Action::"register"], resource) when { principal.redirect_hosts.isEmpty() };`,
      }),
    );
    expect([...set.accessReads].sort()).toEqual(['origin', 'redirect_hosts', 'scopes', 'software_id']);
  });
});

describe('PolicySet.registrationReads', () => {
  it('holds the attributes the default policies that can apply to a registration read, and none only access reads', () => {
    expect([...PolicySet.load(REPO_POLICIES).registrationReads].sort()).toEqual(['anchor', 'attester', 'loopback_redirects_only', 'source', 'trust_domain']);
  });

  it('leaves out what only policies scoped to other actions read, and keeps what any other policy reads', () => {
    const set = PolicySet.load(
      policyDir({
        'register.cedar': `permit (principal, action == Admit::Action::"register", resource) when { principal.grant_types.contains("authorization_code") };`,
        'any.cedar': `forbid (principal, action, resource) when { principal.scopes.contains("admin") };`,
        'access.cedar': `
          forbid (principal, action in Admit::Action::"access", resource) when { principal has origin && principal["origin"] == "https://x.example" };
          forbid (principal, action == Admit::Action::"access", resource) when { principal has software_id };
          forbid (principal, action in [Admit::Action::"access"], resource) when { principal has jkts };
          forbid (principal, action in [Admit::Action::"access", Admit::Action::"register"], resource) when { principal.redirect_hosts.isEmpty() };`,
      }),
    );
    expect([...set.registrationReads].sort()).toEqual(['grant_types', 'redirect_hosts', 'scopes']);
  });
});

describe('PolicySet published', () => {
  it('round-trips through toPublished and fromPublished to the same version', () => {
    const set = PolicySet.load(policyDir({ 'a.cedar': `@id("p") ${PERMIT_REGISTER}` }));
    const published = set.toPublished(new Date('2026-01-01T00:00:00.000Z'));
    expect(published).toEqual({ version: set.version, schema: SCHEMA, files: [{ name: 'a.cedar', text: `@id("p") ${PERMIT_REGISTER}` }], published_at: '2026-01-01T00:00:00.000Z' });
    expect(PolicySet.fromPublished(published)).toBe(set);
  });

  it('refuses an event whose content does not hash to its version', () => {
    const published = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).toPublished();
    const forged = { ...published, files: [{ name: 'a.cedar', text: 'permit (principal, action, resource);' }] };
    expect(() => PolicySet.fromPublished(forged)).toThrow(/^published version sha256:[0-9a-f]{64} does not match its content \(sha256:[0-9a-f]{64}\)$/);
  });
});

describe('PolicySet.isAuthorized', () => {
  it.each([
    ['denies with no determining policy when nothing permits', '@id("access") permit (principal, action == Admit::Action::"access", resource);', []],
    ['lets a forbid override a permit and names the forbid', `@id("p") ${PERMIT_REGISTER}\n@id("f") forbid (principal, action, resource);`, ['f']],
  ])('%s', (_what, text, determining) => {
    expect(PolicySet.load(policyDir({ 'a.cedar': text })).isAuthorized(request())).toEqual({ decision: 'deny', determining, errors: [], advice: [] });
  });

  it('reports evaluation errors, naming the policy, and skips it', () => {
    const set = PolicySet.load(policyDir({ 'a.cedar': '@id("e") permit (principal, action, resource) when { context.admission_age_s > 1 };' }));
    const decision = set.isAuthorized(request());
    expect(decision).toMatchObject({ decision: 'deny', determining: [] });
    expect(decision.errors).toHaveLength(1);
    expect(decision.errors[0]).toMatch(/^e: .*admission_age_s/);
  });
});

describe('PolicySet questions', () => {
  // Policies of every action scope; two would fail if Cedar evaluated their conditions (long overflow).
  const policies: Record<string, string> = {
    'register-permit': 'permit (principal, action == Admit::Action::"register", resource) when { principal.source == "cimd" };',
    'register-overflow': 'forbid (principal, action in [Admit::Action::"register"], resource) when { context.now * 10000000000 > 0 };',
    'access-permit': 'permit (principal, action in Admit::Action::"access", resource);',
    'access-stale': 'forbid (principal, action in Admit::Action::"access", resource) when { context.admission_age_s > 60 };',
    'access-overflow': 'forbid (principal, action == Admit::Action::"access", resource) when { context.now * 10000000000 > 0 };',
    'both-sensitive': 'forbid (principal, action in [Admit::Action::"register", Admit::Action::"access"], resource) when { context.sensitivity == "sensitive" };',
    'any-assertion': 'forbid (principal, action, resource) when { context.client_assertion == "verified" && principal.source == "statement" };',
  };
  // Loaded in each test: the other tests' sets push it out of Cedar.
  const load = () => PolicySet.load(policyDir({ 'a.cedar': Object.entries(policies).map(([id, text]) => `@id("${id}") ${text}`).join('\n') }));
  const ask = (action: string, source: string, age: number, sensitivity: string, assertion: string): AuthorizationRequest => ({
    principal: { type: 'Admit::Client', id: 'c_1' },
    action: { type: 'Admit::Action', id: action },
    resource: action === 'register' ? { type: 'Admit::Registry', id: 'admit' } : { type: 'Admit::Resource', id: action },
    context: { now: 1_800_000_000, admission_age_s: age, sensitivity, client_assertion: assertion },
    entities: [
      { uid: { type: 'Admit::Client', id: 'c_1' }, attrs: { source }, parents: [] },
      ...(action === 'register' ? [] : [{ uid: { type: 'Admit::Action', id: action }, attrs: {}, parents: [{ type: 'Admit::Action', id: 'access' }] }]),
    ],
  });
  const requests = ['register', 'read_files'].flatMap((action) =>
    ['cimd', 'statement'].flatMap((source) => [0, 120].flatMap((age) => ['normal', 'sensitive'].flatMap((sensitivity) => ['absent', 'verified'].map((assertion) => ask(action, source, age, sensitivity, assertion))))),
  );

  it('preparses, per question, only the policies that can apply to it', () => {
    const set = load();
    const register = ask('register', 'cimd', 0, 'normal', 'absent');
    const raw = (request: AuthorizationRequest, question: 'register' | 'access') => {
      const answer = cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: preparsedId(set.version, question) });
      return answer.type === 'success' ? answer.response : answer;
    };
    // Asked of the access set, a registration meets no permit and none of the overflowing forbids.
    expect(raw(register, 'access')).toEqual({ decision: 'deny', diagnostics: { reason: [], errors: [] } });
    expect(raw(register, 'register')).toMatchObject({ decision: 'allow', diagnostics: { reason: ['register-permit'], errors: [{ policyId: 'register-overflow' }] } });
    expect(raw(ask('read_files', 'cimd', 0, 'normal', 'absent'), 'register')).toEqual({ decision: 'deny', diagnostics: { reason: [], errors: [] } });
  });

  it('decides every question as the whole set in one Cedar call would', () => {
    const set = load();
    cedar.preparsePolicySet('whole-set-under-test', { staticPolicies: policies });
    for (const request of requests) {
      const whole = cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: 'whole-set-under-test' });
      if (whole.type !== 'success') throw new Error(JSON.stringify(whole.errors));
      const decided = set.isAuthorized(request);
      // Cedar names the determining policies in no particular order.
      expect({ decision: decided.decision, determining: [...decided.determining].sort(), errors: decided.errors }).toEqual({
        decision: whole.response.decision,
        determining: [...whole.response.diagnostics.reason].sort(),
        errors: whole.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
      });
    }
    expect(new Set(requests.map((r) => set.isAuthorized(r).decision))).toEqual(new Set(['allow', 'deny']));
  });
});

describe('PolicySet preparsed versions', () => {
  const permitted = (i: number) => PolicySet.fromFiles({ schema: SCHEMA, files: [{ name: 'a.cedar', text: `@id("p${i}") ${PERMIT_REGISTER}` }] });
  const raw = (set: PolicySet) => {
    const answer = cedar.statefulIsAuthorized({ ...request(), preparsedPolicySetId: preparsedId(set.version, 'register') });
    return answer.type === 'success' ? answer.response.decision : answer.type;
  };

  it(`keeps the ${PREPARSED_VERSIONS} most recently loaded; an older one is emptied in Cedar, and preparsed again when it decides`, () => {
    const first = permitted(0);
    const files = first.files;
    for (let i = 1; i < PREPARSED_VERSIONS; i++) permitted(i);
    expect(PolicySet.fromFiles(files)).toBe(first);
    expect(raw(first)).toBe('allow');

    // Loading first again made it the most recent: PREPARSED_VERSIONS - 1 more keep it, one more pushes it out.
    for (let i = PREPARSED_VERSIONS; i < 2 * PREPARSED_VERSIONS - 1; i++) permitted(i);
    expect(raw(first)).toBe('allow');
    permitted(2 * PREPARSED_VERSIONS - 1);
    expect(raw(first)).toBe('deny');

    expect(first.isAuthorized(request())).toEqual({ decision: 'allow', determining: ['p0'], errors: [], advice: [] });
    expect(raw(first)).toBe('allow');
    expect(PolicySet.fromFiles(files)).toBe(first);
  });

  it('parses an evicted version again when it is loaded again, to the same decisions', () => {
    const first = permitted(100);
    for (let i = 101; i <= 100 + PREPARSED_VERSIONS; i++) permitted(i);
    expect(raw(first)).toBe('deny');
    const again = PolicySet.fromFiles(first.files);
    expect(again).not.toBe(first);
    expect(again.version).toBe(first.version);
    expect(raw(again)).toBe('allow');
    expect(again.isAuthorized(request())).toEqual(first.isAuthorized(request()));
  });
});
