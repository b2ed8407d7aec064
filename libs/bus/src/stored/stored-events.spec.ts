// Real: both implementations; nothing stubbed.
import { turns } from '../testing/event-loop';
import { BrokerStoredEvents, InProcessStoredEvents } from './stored-events';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await turns(5);
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
