import { childSpan, currentTrace, runInTrace } from './trace-context';

/** A finished span, named by the W3C ids Admit already carries (its own traceparent and its parent's). */
export interface FinishedSpan {
  name: string;
  kind: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  traceparent: string;
  /** The parent span's traceparent; absent for the root of a trace. */
  parent?: string;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string | number | boolean>;
  /** Set when the work failed: its message. */
  error?: string;
}

/** Where finished spans go: an OpenTelemetry exporter (libs/platform tracing), or nowhere. */
export interface SpanSink {
  record(span: FinishedSpan): void;
}

let sink: SpanSink | undefined;

/**
 * Installs (or with undefined removes) the span sink. Without one, which is the default, recording a
 * span costs one comparison: hot paths read `spanSink()` and skip everything when it is undefined.
 */
export function setSpanSink(next: SpanSink | undefined): void {
  sink = next;
}

export function spanSink(): SpanSink | undefined {
  return sink;
}

/** Wall-clock start of work that began at `started` (process.hrtime.bigint()), ending now. */
export function startMsOf(started: bigint, endMs: number): number {
  return endMs - Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Runs `fn` as a child span of the current work (a fetch, a Cedar decision, an audit write), exported
 * when a sink is installed; otherwise it only calls `fn`.
 */
export function traced<T>(name: string, attributes: Record<string, string | number | boolean>, fn: () => Promise<T>, kind: FinishedSpan['kind'] = 'internal'): Promise<T> {
  const target = sink;
  if (!target) return fn();
  const parent = currentTrace();
  const traceparent = childSpan(parent?.traceparent);
  const startMs = Date.now();
  const end = (error?: unknown) =>
    target.record({ name, kind, traceparent, parent: parent?.traceparent, startMs, endMs: Date.now(), attributes, error: error === undefined ? undefined : String((error as Error)?.message ?? error) });
  return runInTrace({ ...parent, traceparent }, fn).then(
    (value) => {
      end();
      return value;
    },
    (error: unknown) => {
      end(error);
      throw error;
    },
  );
}

/** One outbound fetch as a client span named by its host (never the path or query): metadata's FetchSpan. */
export function fetchSpan<T>(host: string, fetch: () => Promise<T>): Promise<T> {
  return traced('fetch', { 'server.address': host }, fetch, 'client');
}

/** Records work that began at `startMs` and ends now as a child span of the current work; nothing without a sink. */
export function recordChildSpan(name: string, startMs: number, attributes: Record<string, string | number | boolean>, parent = currentTrace()?.traceparent): void {
  const target = sink;
  if (!target) return;
  target.record({ name, kind: 'internal', traceparent: childSpan(parent), parent, startMs, endMs: Date.now(), attributes });
}
