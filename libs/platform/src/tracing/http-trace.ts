import { childSpan, runInTrace, TraceContext } from '@admit/bus';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    admitTrace?: TraceContext;
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
    void reply.header('x-request-id', requestId);
    done();
  });
  // After the body is read (whose stream events run outside this request's async context), right
  // before the route: everything the handler starts runs inside the span.
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.admitTrace) runInTrace(request.admitTrace, done);
    else done();
  });
}
