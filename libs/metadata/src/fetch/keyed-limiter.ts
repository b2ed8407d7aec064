interface Slot {
  active: number;
  waiting: Array<() => void>;
}

/**
 * At most `max` concurrent holders per key; the rest wait in FIFO order. A waiter whose signal
 * aborts leaves the queue with the signal's reason, so a caller's deadline covers its time queued.
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`concurrency cap must be a positive integer, got ${max}`);
  }

  async acquire(key: string, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.slots.set(key, slot);
    }
    if (slot.active < this.max) {
      slot.active += 1;
      return this.releaser(key, slot);
    }
    const queued = slot;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        queued.waiting.splice(queued.waiting.indexOf(grant), 1);
        reject(signal.reason);
      };
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      queued.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return this.releaser(key, queued);
  }

  /** Holders right now, and waiters, for a key (for tests and metrics). */
  usage(key: string): { active: number; waiting: number } {
    const slot = this.slots.get(key);
    return { active: slot?.active ?? 0, waiting: slot?.waiting.length ?? 0 };
  }

  private releaser(key: string, slot: Slot): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      if (next) return next();
      slot.active -= 1;
      if (slot.active === 0) this.slots.delete(key);
    };
  }
}
