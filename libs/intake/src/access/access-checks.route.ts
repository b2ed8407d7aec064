import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PlainRoute } from '@admit/platform';
import type { FastifyRequest } from 'fastify';
import { RateLimits } from '../limits/rate-limits';
import { AccessCheckRequest } from './access-check-request';
import { AccessChecks } from './access-checks';
import { ATTESTATION_HEADER, ATTESTATION_POP_HEADER } from './workload-proofs';

/** `POST /access-checks`, the route called before every sensitive call: a plain Fastify route. */
export const ACCESS_CHECKS_ROUTE = new PlainRoute('POST', '/access-checks');

/**
 * Revalidation before a sensitive call: 200 with allow or deny, never a cached answer from a stale
 * admission. The body has been checked against AccessCheckRequest. An agent may prove itself with
 * its client attestation and PoP headers instead of a client assertion. The route is registered as this
 * provider is made, once per process: a Nest app with a bus runs its modules' init hooks twice.
 */
@Injectable()
export class AccessChecksRoute {
  constructor(adapter: HttpAdapterHost, checks: AccessChecks, limits: RateLimits) {
    ACCESS_CHECKS_ROUTE.serve(adapter.httpAdapter.getInstance(), async (request) => {
      const body = request.body as AccessCheckRequest;
      limits.take('access-checks', body.client_id, request.ip);
      return checks.check(body, { attestation: header(request, ATTESTATION_HEADER), pop: header(request, ATTESTATION_POP_HEADER) });
    });
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
