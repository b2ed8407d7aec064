import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ClientInformationResponse, RegistrationError } from '@admit/contracts';
import { ApiError, JsonObjectBody } from '@admit/platform';
import { RateLimits } from '../limits/rate-limits';
import { DecisionPipeline } from '../pipeline/decision-pipeline';

/**
 * Admission by Client ID Metadata Document: the client id is an https URL, and the validator fetches
 * and checks the document it points to. Nothing is registered; the answer says whether, and as what,
 * the client is admitted now.
 */
@Controller()
export class AdmissionsController {
  constructor(
    private readonly pipeline: DecisionPipeline,
    private readonly limits: RateLimits,
  ) {}

  @Post('admissions')
  @HttpCode(200)
  async admit(
    @Body(new JsonObjectBody(RegistrationError.InvalidClientMetadata)) body: Record<string, unknown>,
    @Ip() source: string,
  ): Promise<ClientInformationResponse> {
    const clientId = body.client_id;
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 2048) {
      throw new ApiError(400, RegistrationError.InvalidClientMetadata, 'client_id must be the https URL of a client metadata document');
    }
    this.limits.take('admissions', clientId, source);
    return this.pipeline.admit({ client_id: clientId, source: 'cimd', received_at: new Date().toISOString() });
  }
}
