import { Body, Controller, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { RateLimits } from '../limits/rate-limits';
import { AccessCheckRequest } from './access-check-request';
import { AccessCheckAnswer, AccessChecks } from './access-checks';
import { ATTESTATION_HEADER, ATTESTATION_POP_HEADER } from './workload-proofs';

/**
 * Revalidation before a sensitive call: 200 with allow or deny, never a cached answer from a stale
 * admission. The body has been checked against AccessCheckRequest (RequestSchemas). An agent may
 * prove itself with its client attestation and PoP headers instead of a client assertion.
 */
@Controller()
export class AccessChecksController {
  constructor(
    private readonly checks: AccessChecks,
    private readonly limits: RateLimits,
  ) {}

  @Post('access-checks')
  @HttpCode(200)
  async check(
    @Body() request: AccessCheckRequest,
    @Ip() source: string,
    @Headers(ATTESTATION_HEADER) attestation?: string,
    @Headers(ATTESTATION_POP_HEADER) pop?: string,
  ): Promise<AccessCheckAnswer> {
    this.limits.take('access-checks', request.client_id, source);
    return this.checks.check(request, { attestation, pop });
  }
}
