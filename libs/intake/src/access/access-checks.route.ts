import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PlainRoute } from '@admit/platform';
import { RateLimits } from '../limits/rate-limits';
import { AccessCheckRequest } from './access-check-request';
import { AccessChecks } from './access-checks';

/** `POST /access-checks`, the route called before every sensitive call: a plain Fastify route. */
export const ACCESS_CHECKS_ROUTE = new PlainRoute('POST', '/access-checks');

/**
 * Revalidation before a sensitive call: 200 with allow or deny, never a cached answer from a stale
 * admission. The body has been checked against AccessCheckRequest. The route is registered as this
 * provider is made, once per process: a Nest app with a bus runs its modules' init hooks twice.
 */
@Injectable()
export class AccessChecksRoute {
  constructor(adapter: HttpAdapterHost, checks: AccessChecks, limits: RateLimits) {
    ACCESS_CHECKS_ROUTE.serve(adapter.httpAdapter.getInstance(), async (request) => {
      const body = request.body as AccessCheckRequest;
      limits.take('access-checks', body.client_id, request.ip);
      return checks.check(body);
    });
  }
}
