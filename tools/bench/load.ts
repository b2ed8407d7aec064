import { setTimeout as delay } from 'node:timers/promises';

export interface LoadResult {
  /** ms from each request's scheduled start to its answer (so a late start counts against the system). */
  latencies: number[];
  /** answered requests per second, over the whole run */
  rate: number;
  failed: number;
}

/**
 * Open loop: starts request i at `i / ratePerS` seconds whatever the earlier ones are doing, so a
 * slow system faces the same arrivals instead of slowing the generator down (no coordinated
 * omission): a request's latency runs from its due time, or from its start if it went out early.
 * Bounded by `count`; each request by the system's own answer deadline (Admit answers 503 after
 * ADMIT_DECISION_TIMEOUT_MS), and such answers count as failed.
 */
export async function openLoop(ratePerS: number, count: number, op: (i: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    // Timers are good to about a millisecond; closer than that, start now.
    if (wait >= 1) await delay(wait);
    const from = Math.min(due, performance.now());
    const request: Promise<void> = op(i).then(
      () => void latencies.push(performance.now() - from),
      () => void failed++,
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }
  await Promise.all(inFlight);
  return { latencies, rate: (latencies.length / (performance.now() - start)) * 1000, failed };
}

/**
 * Closed loop: `concurrency` requests always in flight until `count` were sent; the rate it reaches
 * is the system's maximum at that concurrency. Failed answers are counted, not retried.
 */
export async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { latencies, rate: (latencies.length / (performance.now() - start)) * 1000, failed };
}
