import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkRequest } from './request-schemas';

/**
 * A route Fastify serves itself, for a hot path: no Nest router, interceptor chain or rxjs
 * Observable per request. It keeps what every route has: Fastify's hooks (the trace span, the
 * request id, the metrics), its request checked against its HTTP_ROUTES schemas by the validator
 * RequestSchemas uses, and its errors answered by Nest's error handler, so by HttpErrorFilter. A lib
 * exports its plain routes, so the OpenAPI test finds them next to the controllers' routes.
 */
export class PlainRoute {
  constructor(
    readonly method: 'POST',
    readonly path: string,
    readonly status = 200,
  ) {}

  /** Registers the route; `handle` gets the request with its checked body, and returns the JSON answer. */
  serve(fastify: FastifyInstance, handle: (request: FastifyRequest) => Promise<unknown>): void {
    const status = this.status;
    fastify.route({
      method: this.method,
      url: this.path,
      handler: async (request, reply) => {
        checkRequest(request);
        const answer = await handle(request);
        void reply.status(status);
        return answer;
      },
    });
  }
}
