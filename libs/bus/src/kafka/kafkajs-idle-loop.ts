/**
 * kafkajs 2.2.4 keeps a 1 ms timer loop running on every broker connection forever, idle or not
 * (tulios/kafkajs#1556 and #1704; the fix, #1667, is not released): `scheduleCheckPendingRequests`
 * arms a timer even when no request is pending and none is throttled, with a negative delay, and the
 * check it runs arms the next. Measured on this project's services: about 1,700 event-loop wake-ups
 * a second and 30-45 ms of CPU a second per idle process.
 *
 * This applies the upstream fix: with nothing pending and no throttle in force there is nothing to
 * check, so no timer is armed. Nothing is lost by it: a request that must wait (in-flight limit or
 * broker throttle) is put in `pending` by `push`, which arms the check, and every response checks
 * the queue again. Only the version the fix was written against is patched.
 */
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: PatchedQueue };
const { version } = require('kafkajs/package.json') as { version: string };

export const PATCHED_KAFKAJS_VERSION = '2.2.4';
/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a queued request is checked again when not throttled. */
const CHECK_PENDING_MS = 10;

interface PatchedQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

export const kafkajsIdleLoopFixed = version === PATCHED_KAFKAJS_VERSION;

if (kafkajsIdleLoopFixed) {
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: PatchedQueue): void {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_MS,
    );
  };
}
