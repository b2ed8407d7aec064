// Real: everything; nothing stubbed.
import { backoffMs, DEFAULT_RETRY, RetryPolicy } from './retry-policy';

describe('backoffMs', () => {
  const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5_000 };

  it('starts at the base delay and doubles with each attempt', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(policy, attempt))).toEqual([100, 200, 400, 800, 1_600, 3_200]);
  });

  it('caps at the maximum delay', () => {
    expect([7, 8, 20].map((attempt) => backoffMs(policy, attempt))).toEqual([5_000, 5_000, 5_000]);
  });

  it('stays at the cap for a huge attempt number, where 2^n overflows to Infinity', () => {
    expect(backoffMs(policy, 100_000)).toBe(5_000);
  });

  it('never exceeds the cap even when the base is above it', () => {
    expect(backoffMs({ ...policy, baseDelayMs: 10_000 }, 1)).toBe(5_000);
  });

  it('has sensible defaults', () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 });
    expect(backoffMs(DEFAULT_RETRY, DEFAULT_RETRY.maxAttempts)).toBe(1_600);
  });
});
