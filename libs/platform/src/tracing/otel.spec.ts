// Real: the tracing switch and the span hooks of the bus library.
import { spanSink, traced } from '@admit/bus';
import { startTracing } from './otel';

describe('OpenTelemetry export', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing installed, traced work only runs', async () => {
    expect(startTracing('test', {})).toBeUndefined();
    expect(spanSink()).toBeUndefined();
    await expect(traced('work', {}, async () => 42)).resolves.toBe(42);
  });

  it('installs a span sink when the endpoint is set, and removes it when stopped', async () => {
    const stop = startTracing('test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      expect(spanSink()).toBeDefined();
    } finally {
      // Nothing was recorded, so shutting down sends nothing.
      await stop?.();
    }
    expect(spanSink()).toBeUndefined();
  });
});
