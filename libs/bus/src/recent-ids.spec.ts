// Real: everything; nothing stubbed.
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('remembers the ids it was given', () => {
    const ids = new RecentIds(3);
    ids.add('a');
    expect([ids.has('a'), ids.has('b')]).toEqual([true, false]);
  });

  it('evicts the oldest id beyond its capacity', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.add('e');
    expect(['b', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });

  it('does not evict anything when an id it holds is added again', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'b', 'c']) ids.add(id);
    expect(['a', 'b', 'c'].map((id) => ids.has(id))).toEqual([true, true, true]);
  });

  it('holds 100 000 ids by default', () => {
    const ids = new RecentIds();
    for (let i = 0; i <= 100_000; i++) ids.add(`id-${i}`);
    expect([ids.has('id-0'), ids.has('id-1'), ids.has('id-100000')]).toEqual([false, true, true]);
  });

  it('treats prototype-ish strings as plain ids', () => {
    const ids = new RecentIds(2);
    expect([ids.has('__proto__'), ids.has('constructor')]).toEqual([false, false]);
    ids.add('__proto__');
    expect(ids.has('__proto__')).toBe(true);
  });
});
