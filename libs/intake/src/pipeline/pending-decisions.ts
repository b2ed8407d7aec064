import { CloudEvent, CodedError, Topic } from '@admit/contracts';

type Decided = CloudEvent<typeof Topic.RegistrationDecided>;

export class DecisionTimeout extends CodedError.with('ERR_DECISION_TIMEOUT') {}

/**
 * HTTP callers waiting for their decision, by correlation id. A waiter is registered before its
 * request is published, so a fast decision cannot arrive before anyone listens.
 */
export class PendingDecisions {
  private readonly waiting = new Map<string, (event: Decided) => void>();

  wait(correlationId: string, timeoutMs: number): { decision: Promise<Decided>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const cancel = () => {
      clearTimeout(timer);
      this.waiting.delete(correlationId);
    };
    const decision = new Promise<Decided>((resolve, reject) => {
      this.waiting.set(correlationId, resolve);
      timer = setTimeout(() => {
        cancel();
        reject(new DecisionTimeout(`no decision within ${timeoutMs} ms`));
      }, timeoutMs);
    }).finally(cancel);
    return { decision, cancel };
  }

  /** Hands a decision to its waiter, if this instance has one; returns whether it did. */
  resolve(event: Decided): boolean {
    const resolve = this.waiting.get(event.correlationid);
    resolve?.(event);
    return resolve !== undefined;
  }

  get size(): number {
    return this.waiting.size;
  }
}
