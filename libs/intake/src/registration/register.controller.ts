import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ClientInformationResponse } from '@admit/contracts';
import { metadataClientId } from '@admit/metadata';
import { RateLimits } from '../limits/rate-limits';
import { DecisionPipeline } from '../pipeline/decision-pipeline';

/**
 * RFC 7591 dynamic registration, answered from the decision the pipeline reaches. The body has been
 * checked against RegisterRequest (RequestSchemas); the validator applies the RFC 7591 rules.
 */
@Controller()
export class RegisterController {
  constructor(
    private readonly pipeline: DecisionPipeline,
    private readonly limits: RateLimits,
  ) {}

  @Post('register')
  @HttpCode(201)
  async register(
    @Body() metadata: Record<string, unknown>,
    @Ip() source: string,
  ): Promise<ClientInformationResponse> {
    // The validator computes the same id from the same body (for a software statement it is provisional:
    // the validator derives the real one from the verified anchor and software_id, and the decision
    // carries it). Limits count the provisional one.
    const clientId = metadataClientId(metadata);
    this.limits.take('register', clientId, source);
    return this.pipeline.admit({
      client_id: clientId,
      source: 'rfc7591',
      metadata,
      received_at: new Date().toISOString(),
    });
  }
}
