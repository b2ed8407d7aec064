import { childSpan, runInTrace, spanSink, TraceContext } from '@admit/bus';
import { isTraceparent } from '@admit/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    admitTrace?: TraceContext;
    /** When the request began and its caller's span, kept only while spans are exported. */
    admitSpan?: { startMs: number; parent?: string };
  }
}

/**
 * Every HTTP request is a span: a child of the caller's `traceparent` when it sent a valid one, else
 * the root of a new trace. Its handler runs inside that span, so the events it publishes (and every
 * event derived from them, in every service) carry the same trace id, and its log lines carry the
 * request id, which is `x-request-id` when the caller sent a sane one and is answered back.
 */
export function traceHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const parent = request.headers.traceparent;
    request.admitTrace = { traceparent: childSpan(typeof parent === 'string' ? parent : undefined), requestId };
    if (spanSink()) request.admitSpan = { startMs: Date.now(), parent: typeof parent === 'string' && isTraceparent(parent.trim().toLowerCase()) ? parent.trim().toLowerCase() : undefined };
    void reply.header('x-request-id', requestId);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const spans = spanSink();
    if (spans && request.admitSpan && request.admitTrace) {
      const route = request.routeOptions.url ?? 'unmatched';
      spans.record({
        name: `${request.method} ${route}`,
        kind: 'server',
        traceparent: request.admitTrace.traceparent,
        parent: request.admitSpan.parent,
        startMs: request.admitSpan.startMs,
        endMs: Date.now(),
        attributes: { 'http.request.method': request.method, 'http.route': route, 'http.response.status_code': reply.statusCode },
        error: reply.statusCode >= 500 ? `HTTP ${reply.statusCode}` : undefined,
      });
    }
    done();
  });
  // After the body is read (whose stream events run outside this request's async context), right
  // before the route: everything the handler starts runs inside the span.
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.admitTrace) runInTrace(request.admitTrace, done);
    else done();
  });
}
