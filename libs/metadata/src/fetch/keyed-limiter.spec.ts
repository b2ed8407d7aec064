// Real: KeyedLimiter and AbortController. Nothing is stubbed; no I/O.
import { KeyedLimiter } from './keyed-limiter';

const never = () => new AbortController().signal;

describe('KeyedLimiter', () => {
  it('admits up to the cap per key, queues the rest in order, and hands slots over on release', async () => {
    const limiter = new KeyedLimiter(2);
    const first = await limiter.acquire('a:443', never());
    const second = await limiter.acquire('a:443', never());
    const order: number[] = [];
    const third = limiter.acquire('a:443', never()).then((release) => (order.push(3), release));
    const fourth = limiter.acquire('a:443', never()).then((release) => (order.push(4), release));
    const otherHost = await limiter.acquire('b:443', never());
    expect(limiter.usage('a:443')).toEqual({ active: 2, waiting: 2 });
    expect(limiter.usage('b:443')).toEqual({ active: 1, waiting: 0 });

    first();
    first();
    const releaseThird = await third;
    expect(order).toEqual([3]);
    expect(limiter.usage('a:443')).toEqual({ active: 2, waiting: 1 });
    second();
    (await fourth)();
    releaseThird();
    otherHost();
    expect(order).toEqual([3, 4]);
    expect(limiter.usage('a:443')).toEqual({ active: 0, waiting: 0 });
    expect(limiter.usage('b:443')).toEqual({ active: 0, waiting: 0 });
  });

  it('drops a waiter whose signal aborts, with the signal reason, and keeps the queue moving', async () => {
    const limiter = new KeyedLimiter(1);
    const held = await limiter.acquire('a:443', never());
    const controller = new AbortController();
    const abandoned = limiter.acquire('a:443', controller.signal);
    const next = limiter.acquire('a:443', never());
    controller.abort(new Error('deadline passed'));
    await expect(abandoned).rejects.toThrow('deadline passed');
    expect(limiter.usage('a:443')).toEqual({ active: 1, waiting: 1 });
    held();
    (await next)();
    expect(limiter.usage('a:443')).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses an already aborted signal without taking a slot', async () => {
    const limiter = new KeyedLimiter(1);
    await expect(limiter.acquire('a:443', AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(limiter.usage('a:443')).toEqual({ active: 0, waiting: 0 });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a cap of %p', (cap) => {
    expect(() => new KeyedLimiter(cap)).toThrow(`concurrency cap must be a positive integer, got ${cap}`);
  });
});
