import { isTraceparent } from '@admit/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';

/**
 * The work this code runs for: an HTTP request or a delivered event. Logs read it for their ids, and
 * an event published without a cause becomes a child of its span, so one registration is one trace
 * from intake's HTTP request to the last consumer. (W3C trace context only; no tracing SDK.)
 */
export interface TraceContext {
  /** W3C `traceparent` of the current span. */
  traceparent: string;
  correlationId?: string;
  /** The HTTP request id, for work done for a request. */
  requestId?: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` (and everything it starts) inside `context`. */
export function runInTrace<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/**
 * A new span of the trace `parent` belongs to: same trace id and flags, a fresh span id. No valid
 * parent (absent, malformed, all-zero ids) starts a new sampled trace.
 */
export function childSpan(parent?: string): string {
  const normal = parent?.trim().toLowerCase();
  if (normal && isTraceparent(normal)) {
    const [, traceId, , flags] = normal.split('-');
    return `00-${traceId}-${randomHex(8)}-${flags}`;
  }
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** Random bytes for ids, drawn from a pool filled 4 KiB at a time: a span per request made `randomBytes` a cost of its own. */
const pool = Buffer.allocUnsafe(4096);
let drawn = pool.length;

function randomHex(bytes: number): string {
  if (drawn + bytes > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += bytes;
  return pool.toString('hex', drawn - bytes, drawn);
}

/** The trace and span ids of a traceparent, for log lines. */
export function traceIds(traceparent: string): { trace_id: string; span_id: string } | undefined {
  const parts = traceparent.split('-');
  return parts.length === 4 ? { trace_id: parts[1], span_id: parts[2] } : undefined;
}
