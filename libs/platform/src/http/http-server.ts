import './async-resource-bind';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

export const MAX_BODY_BYTES = 64 * 1024;
/**
 * A path parameter may hold a client id (`GET /clients/{client_id}`): an https URL of up to 2,048
 * characters, percent-encoded as one segment, so up to three times as long. Fastify's default, 100,
 * answered 414 to most real document URLs.
 */
const MAX_PARAM_LENGTH = 3 * 2048;

/**
 * Fastify with bounded bodies and timeouts, so slow or oversized requests cannot hold the server.
 * An idle kept-alive connection is closed by the server only after 72 s (Fastify's default), longer
 * than gateways and HTTP clients keep theirs (nginx 60 s, undici 4 s): a server that closes first
 * races the client's next request on that connection, which then fails with ECONNRESET.
 */
export function httpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: 15_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
  });
}

/**
 * Only `application/json` bodies are accepted (anything else is 415), and they reach RequestSchemas
 * as raw buffers, which parses and checks them against their route's schema so a malformed body gets
 * the route's code. Fastify's own errors (413, 415) reach HttpErrorFilter like any other.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}
