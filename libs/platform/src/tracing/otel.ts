import { FinishedSpan, setSpanSink } from '@admit/bus';
import type { Context, SpanKind as SpanKindType } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

export const OTLP_ENDPOINT_VAR = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** Hands the SDK the span and trace ids Admit already made, so exported spans are the ones its events name. */
class PinnedIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

/**
 * Exports Admit's spans (HTTP requests, bus hops, fetches, Cedar decisions, audit writes) with the
 * OpenTelemetry SDK over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the
 * standard OTEL_EXPORTER_OTLP_* variables). Unset, nothing is loaded and no span is recorded. Returns
 * what flushes and stops the export, for shutdown.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  if (!env[OTLP_ENDPOINT_VAR]) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded only when traces are exported */
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ids = new PinnedIds();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `admit-${service}` }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 500 })],
  });
  const tracer = provider.getTracer('admit');
  const kinds: Record<FinishedSpan['kind'], SpanKindType> = {
    server: api.SpanKind.SERVER,
    client: api.SpanKind.CLIENT,
    producer: api.SpanKind.PRODUCER,
    consumer: api.SpanKind.CONSUMER,
    internal: api.SpanKind.INTERNAL,
  };
  setSpanSink({
    record(span) {
      const [, traceId, spanId] = span.traceparent.split('-');
      let parent: Context = api.ROOT_CONTEXT;
      if (span.parent) {
        const [, parentTraceId, parentSpanId] = span.parent.split('-');
        parent = api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId: parentTraceId, spanId: parentSpanId, traceFlags: api.TraceFlags.SAMPLED, isRemote: true });
      }
      ids.traceId = traceId;
      ids.spanId = spanId;
      const otel = tracer.startSpan(span.name, { kind: kinds[span.kind], startTime: span.startMs, attributes: span.attributes }, parent);
      if (span.error !== undefined) otel.setStatus({ code: api.SpanStatusCode.ERROR, message: span.error });
      otel.end(span.endMs);
    },
  });
  return async () => {
    setSpanSink(undefined);
    await provider.shutdown();
  };
}
