import { rejectedBy, thrownBy } from './thrown';

class Wanted extends Error {}

describe('thrownBy and rejectedBy', () => {
  it('return the error of the class, rethrow any other, and fail when nothing is thrown', async () => {
    const wanted = new Wanted('w');
    expect([thrownBy(Wanted, () => { throw wanted; }), await rejectedBy(Wanted, Promise.reject(wanted))]).toEqual([wanted, wanted]);
    expect(() => thrownBy(Wanted, () => { throw new TypeError('other'); })).toThrow(new TypeError('other'));
    await expect(rejectedBy(Wanted, Promise.reject(new TypeError('other')))).rejects.toThrow(new TypeError('other'));
    expect(() => thrownBy(Wanted, () => Infinity)).toThrow('expected a Wanted, but got Infinity');
    await expect(rejectedBy(Wanted, Promise.resolve({ a: 1 }))).rejects.toThrow('expected a Wanted, but got { a: 1 }');
  });
});
