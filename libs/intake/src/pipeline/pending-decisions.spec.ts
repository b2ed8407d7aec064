// Real: everything; nothing stubbed. Time is jest's fake clock.
import { CloudEvent, newEvent, Topic } from '@admit/contracts';
import { allowDecision } from '../testing/fixtures';
import { DecisionTimeout, PendingDecisions } from './pending-decisions';

type Decided = CloudEvent<typeof Topic.RegistrationDecided>;

const decided = (correlationId: string): Decided => newEvent(Topic.RegistrationDecided, allowDecision(null), { source: 'policy', correlationId });

/** Records how a promise settled, so a test can check it is still pending. */
function track<T>(promise: Promise<T>): { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(outcome, { state: 'resolved', value }),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', error }),
  );
  return outcome;
}

describe('PendingDecisions', () => {
  let pending: PendingDecisions;

  beforeEach(() => {
    jest.useFakeTimers();
    pending = new PendingDecisions();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands a decision that arrives before the timeout to its waiter', async () => {
    const { decision } = pending.wait('corr-1', 1_000);
    expect(pending.size).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    const event = decided('corr-1');
    expect(pending.resolve(event)).toBe(true);
    await expect(decision).resolves.toBe(event);
    expect(pending.size).toBe(0);
    // The timeout was cleared: nothing fires later.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with DecisionTimeout (ERR_DECISION_TIMEOUT) exactly at the timeout', async () => {
    const outcome = track(pending.wait('corr-1', 500).decision);
    await jest.advanceTimersByTimeAsync(499);
    expect(outcome.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(outcome.state).toBe('rejected');
    expect(outcome.error).toBeInstanceOf(DecisionTimeout);
    expect(outcome.error).toMatchObject({ code: 'ERR_DECISION_TIMEOUT', message: 'no decision within 500 ms' });
    expect(pending.size).toBe(0);
  });

  it('does not hand over a decision that arrives after the timeout', async () => {
    const outcome = track(pending.wait('corr-1', 100).decision);
    await jest.advanceTimersByTimeAsync(100);
    expect(pending.resolve(decided('corr-1'))).toBe(false);
    expect(outcome.state).toBe('rejected');
  });

  it('returns false for an unknown correlation id and leaves other waiters alone', async () => {
    const outcome = track(pending.wait('corr-1', 1_000).decision);
    expect(pending.resolve(decided('corr-other'))).toBe(false);
    expect(pending.resolve(decided('__proto__'))).toBe(false);
    expect(pending.resolve(decided('constructor'))).toBe(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(outcome.state).toBe('pending');
    expect(pending.size).toBe(1);
  });

  it('keeps waiters apart by correlation id', async () => {
    const first = track(pending.wait('corr-1', 1_000).decision);
    const second = track(pending.wait('corr-2', 1_000).decision);
    const event = decided('corr-2');
    expect(pending.resolve(event)).toBe(true);
    await jest.advanceTimersByTimeAsync(0);
    expect({ first: first.state, second: second.state, value: second.value }).toEqual({ first: 'pending', second: 'resolved', value: event });
    expect(pending.size).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(first.state).toBe('rejected');
    expect(pending.size).toBe(0);
  });

  it('cancel removes the waiter and its timer, and a later decision is not handed over', async () => {
    const { decision, cancel } = pending.wait('corr-1', 1_000);
    const outcome = track(decision);
    cancel();
    expect(pending.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(pending.resolve(decided('corr-1'))).toBe(false);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(outcome.state).toBe('pending');
  });

  it('cancel after the decision arrived is harmless', async () => {
    const { decision, cancel } = pending.wait('corr-1', 1_000);
    const event = decided('corr-1');
    pending.resolve(event);
    cancel();
    await expect(decision).resolves.toBe(event);
    expect(pending.size).toBe(0);
  });
});
