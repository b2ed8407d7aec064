import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiError, JsonObjectBody } from '@admit/platform';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RateLimits } from '../limits/rate-limits';
import { AccessCheckRequest } from './access-check-request';
import { AccessCheckAnswer, AccessChecks } from './access-checks';

const checkRequest = TypeCompiler.Compile(AccessCheckRequest);

/** Revalidation before a sensitive call: 200 with allow or deny, never a cached answer from a stale admission. */
@Controller()
export class AccessChecksController {
  constructor(
    private readonly checks: AccessChecks,
    private readonly limits: RateLimits,
  ) {}

  @Post('access-checks')
  @HttpCode(200)
  async check(@Body(new JsonObjectBody('invalid_request')) body: Record<string, unknown>, @Ip() source: string): Promise<AccessCheckAnswer> {
    const error = checkRequest.Errors(body).First();
    if (error) throw new ApiError(400, 'invalid_request', `${error.path || 'body'}: ${error.message}`.slice(0, 512));
    const request = body as AccessCheckRequest;
    this.limits.take('access-checks', request.client_id, source);
    return this.checks.check(request);
  }
}
