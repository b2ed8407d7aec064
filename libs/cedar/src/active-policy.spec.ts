// Real: PolicySet and Cedar wasm over the repo's policies/. Stubbed: nothing; ActivePolicy is fed records directly.
import { join } from 'node:path';
import { ActivePolicy } from './active-policy';
import { PolicyNotReadyError } from './policy-error';
import { PolicySet } from './policy-set';

const defaults = PolicySet.load(join(__dirname, '..', '..', '..', 'policies'));
const changed = PolicySet.fromFiles({ ...defaults.files, files: [...defaults.files.files, { name: 'z.cedar', text: '@id("z") forbid (principal, action, resource) when { false };' }] });

describe('ActivePolicy', () => {
  it('throws ERR_POLICY_NOT_READY until a set was read', () => {
    const active = new ActivePolicy();
    expect(() => active.current()).toThrow(PolicyNotReadyError);
    expect(() => active.current()).toThrow(expect.objectContaining({ code: 'ERR_POLICY_NOT_READY', message: 'no policy set has been read from admit.policies.v1 yet' }));
  });

  it('holds the set last published under "active", and tells listeners of each change', () => {
    const active = new ActivePolicy();
    const seen: string[] = [];
    active.onChange((set) => seen.push(set.version));
    active.apply('active', { data: defaults.toPublished() });
    active.apply('active', { data: defaults.toPublished() });
    expect(active.current()).toBe(defaults);
    active.apply('active', { data: changed.toPublished() });
    expect(active.current()).toBe(changed);
    expect(seen).toEqual([defaults.version, changed.version]);
  });

  it('keeps the running version on a set that does not load, a tombstone, or another key', () => {
    const active = new ActivePolicy();
    active.apply('active', { data: defaults.toPublished() });
    active.apply('active', { data: { ...changed.toPublished(), version: `sha256:${'0'.repeat(64)}` } });
    active.apply('active', { data: { ...changed.toPublished(), files: [{ name: 'bad.cedar', text: 'permit (' }] } });
    active.apply('active', null);
    active.apply('other', { data: changed.toPublished() });
    expect(active.version).toBe(defaults.version);
  });
});
