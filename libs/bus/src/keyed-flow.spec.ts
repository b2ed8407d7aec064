// Real: KeyedFlow with handlers that wait on gates the test opens. Nothing stubbed; no I/O.
import { Delivery } from './delivery';
import { KeyedFlow } from './keyed-flow';
import { gate, tick } from './testing/event-loop';

const delivery = (key: string | null, offset: number): Delivery => ({ topic: 't', partition: 0, offset: String(offset), key, headers: {}, value: null });
describe('KeyedFlow', () => {
  it('handles a key’s events in order across takes, and other keys without waiting for them', async () => {
    const flow = new KeyedFlow(10);
    const slow = gate();
    const handled: string[] = [];
    const handle = async (d: Delivery) => {
      if (d.offset === '0') await slow.wait;
      handled.push(`${d.key}@${d.offset}`);
    };
    const first = await flow.take([delivery('a', 0), delivery('b', 1)], handle);
    const second = await flow.take([delivery('a', 2), delivery('c', 3)], handle);
    await tick();
    expect(handled).toEqual(['b@1', 'c@3']);
    slow.open();
    await Promise.all([first.handled, second.handled]);
    expect(handled).toEqual(['b@1', 'c@3', 'a@0', 'a@2']);
  });

  it('resolves `handled` only once every event of the take is handled', async () => {
    const flow = new KeyedFlow(10);
    const slow = gate();
    const taken = await flow.take([delivery('a', 0), delivery('b', 1)], async (d) => {
      if (d.key === 'b') await slow.wait;
    });
    let done = false;
    void taken.handled.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    slow.open();
    await taken.handled;
    expect(done).toBe(true);
  });

  it('waits for room once `limit` events are in flight', async () => {
    const flow = new KeyedFlow(2);
    const slow = gate();
    const handle = () => slow.wait;
    await flow.take([delivery('a', 0)], handle);
    let roomAgain = false;
    const full = flow.take([delivery('b', 1)], handle).then(() => (roomAgain = true));
    await tick();
    expect(roomAgain).toBe(false);
    slow.open();
    await full;
    expect(roomAgain).toBe(true);
    await flow.settled();
  });

  it('does not handle an event whose key’s earlier event was not handled, so a redelivery keeps their order', async () => {
    const flow = new KeyedFlow(10);
    const handled: string[] = [];
    const first = await flow.take([delivery('a', 0)], async () => {
      throw new Error('closing with a@0 unhandled');
    });
    const second = await flow.take([delivery('a', 1), delivery('b', 2)], async (d) => void handled.push(`${d.key}@${d.offset}`));
    await expect(first.handled).rejects.toThrow('closing with a@0 unhandled');
    await expect(second.handled).rejects.toThrow('closing with a@0 unhandled');
    expect(handled).toEqual(['b@2']);
    await flow.settled();
  });
});
