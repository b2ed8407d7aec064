// Real: FetchLimits and AbortController. Nothing is stubbed; no I/O.
import { FetchLimits } from './fetch-limits';

const never = () => new AbortController().signal;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FetchLimits', () => {
  it('caps fetches per resolved address, and other addresses go on', async () => {
    const limits = new FetchLimits({ perHost: 4, perAddress: 2, total: 10 });
    const first = await limits.address('192.0.2.1', never());
    await limits.address('192.0.2.1', never());
    let third = false;
    const queued = limits.address('192.0.2.1', never()).then((release) => ((third = true), release));
    const other = await limits.address('192.0.2.2', never());
    await tick();
    expect(third).toBe(false);
    expect(limits.addressUsage('192.0.2.1')).toEqual({ active: 2, waiting: 1 });
    expect(limits.totalUsage()).toEqual({ active: 3, waiting: 0 });

    first();
    (await queued)();
    other();
    expect(third).toBe(true);
    expect(limits.addressUsage('192.0.2.2')).toEqual({ active: 0, waiting: 0 });
  });

  it('caps fetches in all, and a fetch queued behind a busy address holds no share of the total', async () => {
    const limits = new FetchLimits({ perHost: 4, perAddress: 1, total: 2 });
    const busy = await limits.address('192.0.2.1', never());
    // Waits for the address: it must not take the total's last slot meanwhile.
    const behindBusy = limits.address('192.0.2.1', never());
    const second = await limits.address('192.0.2.2', never());
    expect(limits.totalUsage()).toEqual({ active: 2, waiting: 0 });

    let third = false;
    const overTotal = limits.address('192.0.2.3', never()).then((release) => ((third = true), release));
    await tick();
    expect(third).toBe(false);
    expect(limits.totalUsage()).toEqual({ active: 2, waiting: 1 });
    second();
    (await overTotal)();
    busy();
    (await behindBusy)();
    expect(limits.totalUsage()).toEqual({ active: 0, waiting: 0 });
    expect(limits.addressUsage('192.0.2.1')).toEqual({ active: 0, waiting: 0 });
  });

  it('a wait for the address or for the total ends with the signal’s reason, and gives back what it held', async () => {
    const limits = new FetchLimits({ perHost: 4, perAddress: 1, total: 1 });
    const held = await limits.address('192.0.2.1', never());

    const forAddress = new AbortController();
    const waitingForAddress = limits.address('192.0.2.1', forAddress.signal);
    const forTotal = new AbortController();
    const waitingForTotal = limits.address('192.0.2.2', forTotal.signal);
    await tick();
    expect(limits.addressUsage('192.0.2.2')).toEqual({ active: 1, waiting: 0 });

    forAddress.abort(new Error('deadline passed'));
    forTotal.abort(new Error('deadline passed too'));
    await expect(waitingForAddress).rejects.toThrow('deadline passed');
    await expect(waitingForTotal).rejects.toThrow('deadline passed too');
    expect(limits.addressUsage('192.0.2.1')).toEqual({ active: 1, waiting: 0 });
    // The address slot taken before the wait for the total was given back.
    expect(limits.addressUsage('192.0.2.2')).toEqual({ active: 0, waiting: 0 });
    expect(limits.totalUsage()).toEqual({ active: 1, waiting: 0 });
    held();
    expect(limits.totalUsage()).toEqual({ active: 0, waiting: 0 });
  });

  it('caps fetches per host before DNS', async () => {
    const limits = new FetchLimits({ perHost: 1, perAddress: 8, total: 8 });
    const held = await limits.host('a.example:443', never());
    const controller = new AbortController();
    const waiting = limits.host('a.example:443', controller.signal);
    (await limits.host('b.example:443', never()))();
    controller.abort(new Error('deadline passed'));
    await expect(waiting).rejects.toThrow('deadline passed');
    held();
  });
});
