// Real: everything (Cedar wasm, the file system under a fresh temp dir); nothing stubbed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationRequest, PolicyLoadError, PolicySet } from './policy-set';

const PERMIT_REGISTER = 'permit (principal, action == Admit::Action::"register", resource);';
const dirs: string[] = [];

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'admit-policy-set-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function loadError(dir: string): PolicyLoadError {
  try {
    PolicySet.load(dir);
  } catch (err) {
    if (err instanceof PolicyLoadError) return err;
    throw err;
  }
  throw new Error(`expected PolicySet.load(${dir}) to throw`);
}

function request(action = 'register'): AuthorizationRequest {
  return {
    principal: { type: 'Admit::Client', id: 'c_1' },
    action: { type: 'Admit::Action', id: action },
    resource: { type: 'Admit::Registry', id: 'admit' },
    context: {},
    entities: [],
  };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('PolicySet.load', () => {
  describe('version', () => {
    it('is sha256:<64 hex>', () => {
      expect(PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).version).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('is the same for identical content in different folders', () => {
      const files = { 'a.cedar': PERMIT_REGISTER, 'b.cedar': 'forbid (principal, action, resource) when { false };' };
      expect(PolicySet.load(policyDir(files)).version).toBe(PolicySet.load(policyDir(files)).version);
    });

    it('changes when any policy text changes, even by one character', () => {
      const before = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER })).version;
      expect(PolicySet.load(policyDir({ 'a.cedar': `${PERMIT_REGISTER} ` })).version).not.toBe(before);
      expect(PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER, 'b.cedar': '' })).version).not.toBe(before);
    });

    it('ignores files that are not *.cedar', () => {
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

    it('keeps unicode ids', () => {
      expect(PolicySet.load(policyDir({ 'a.cedar': `@id("règle-✓") ${PERMIT_REGISTER}` })).policyIds).toEqual(['règle-✓']);
    });

    it('takes the id from an @id annotation written with spaces, which Cedar accepts', () => {
      expect(PolicySet.load(policyDir({ 'a.cedar': `@id ( "spaced" ) ${PERMIT_REGISTER}` })).policyIds).toEqual(['spaced']);
    });

    it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('accepts the id %j, which Object.prototype also has', (id) => {
      const set = PolicySet.load(policyDir({ 'a.cedar': `@id("${id}") ${PERMIT_REGISTER}` }));
      expect(set.policyIds).toEqual([id]);
      expect(set.isAuthorized(request())).toEqual({ decision: 'allow', determining: [id], errors: [] });
    });

    it('are the ids isAuthorized reports as determining', () => {
      const set = PolicySet.load(policyDir({ 'a.cedar': `@id("named") ${PERMIT_REGISTER}\n${PERMIT_REGISTER}` }));
      const decision = set.isAuthorized(request());
      expect({ ...decision, determining: [...decision.determining].sort() }).toEqual({
        decision: 'allow',
        determining: ['a.cedar#1', 'named'],
        errors: [],
      });
    });
  });

  describe('errors', () => {
    it('throws ERR_POLICY_INVALID naming the file for a syntax error', () => {
      const err = loadError(policyDir({ 'good.cedar': PERMIT_REGISTER, 'bad.cedar': 'permit (principal, action' }));
      expect(err.code).toBe('ERR_POLICY_INVALID');
      expect(err.message).toMatch(/^bad\.cedar: /);
      expect(err.message).toContain('unexpected end of input');
    });

    it('throws for an unknown effect', () => {
      const err = loadError(policyDir({ 'x.cedar': 'allow (principal, action, resource);' }));
      expect({ code: err.code, file: err.message.split(':')[0] }).toEqual({ code: 'ERR_POLICY_INVALID', file: 'x.cedar' });
    });

    it('throws for an empty folder', () => {
      const dir = policyDir({});
      const err = loadError(dir);
      expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_POLICY_INVALID', message: `no *.cedar files in ${dir}` });
    });

    it('throws for a folder with no *.cedar file', () => {
      const dir = policyDir({ 'policy.txt': PERMIT_REGISTER, 'x.cedar.disabled': PERMIT_REGISTER });
      expect(loadError(dir).message).toBe(`no *.cedar files in ${dir}`);
    });

    it('throws for a missing folder', () => {
      expect(() => PolicySet.load(join(tmpdir(), 'admit-policy-set-does-not-exist', String(process.pid)))).toThrow(/ENOENT/);
    });

    it('throws for a duplicate id within one file', () => {
      const err = loadError(policyDir({ 'a.cedar': `@id("dup") ${PERMIT_REGISTER}\n@id("dup") forbid (principal, action, resource);` }));
      expect({ code: err.code, message: err.message }).toEqual({ code: 'ERR_POLICY_INVALID', message: 'a.cedar: duplicate policy id dup' });
    });

    it('throws for a duplicate id across files, naming the second file', () => {
      const err = loadError(policyDir({ 'a.cedar': `@id("dup") ${PERMIT_REGISTER}`, 'b.cedar': `@id("dup") ${PERMIT_REGISTER}` }));
      expect(err.message).toBe('b.cedar: duplicate policy id dup');
    });

    it('throws when an @id collides with a generated <file>#<n> id', () => {
      const err = loadError(policyDir({ 'a.cedar': `${PERMIT_REGISTER}\n@id("a.cedar#0") ${PERMIT_REGISTER}` }));
      expect(err.message).toBe('a.cedar: duplicate policy id a.cedar#0');
    });
  });
});

describe('PolicySet.isAuthorized', () => {
  it('denies with no determining policy when nothing permits', () => {
    const set = PolicySet.load(policyDir({ 'a.cedar': PERMIT_REGISTER }));
    expect(set.isAuthorized(request('revoke'))).toEqual({ decision: 'deny', determining: [], errors: [] });
  });

  it('lets a forbid override a permit and names the forbid', () => {
    const set = PolicySet.load(policyDir({ 'a.cedar': `@id("p") ${PERMIT_REGISTER}\n@id("f") forbid (principal, action, resource);` }));
    expect(set.isAuthorized(request())).toEqual({ decision: 'deny', determining: ['f'], errors: [] });
  });

  it('reports evaluation errors and skips the erroring policy', () => {
    const set = PolicySet.load(policyDir({ 'a.cedar': '@id("e") permit (principal, action, resource) when { context.missing };' }));
    const decision = set.isAuthorized(request());
    expect(decision).toMatchObject({ decision: 'deny', determining: [] });
    expect(decision.errors).toHaveLength(1);
    expect(decision.errors[0]).toContain('missing');
  });
});
