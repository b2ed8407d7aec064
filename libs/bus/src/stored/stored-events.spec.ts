// Real: both implementations; nothing stubbed.
import { BrokerStoredEvents, InProcessStoredEvents } from './stored-events';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
};

describe('StoredEvents', () => {
  it('in one process, waits until the audit store reports the event committed', async () => {
    const stored = new InProcessStoredEvents();
    const waiting = stored.stored('e1');
    stored.committed(['e0']);
    expect(await settled(waiting)).toBe(false);
    stored.committed(['e1']);
    expect(await settled(waiting)).toBe(true);
  });

  it('in one process, answers at once for an event committed before anyone asked', async () => {
    const stored = new InProcessStoredEvents();
    stored.committed(['e1', 'e2']);
    expect(await settled(stored.stored('e2'))).toBe(true);
  });

  it('with a broker, what was read is durable already', async () => {
    expect(await settled(new BrokerStoredEvents().stored('e1'))).toBe(true);
  });
});
