import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { AdmissionRequest, ClientInformationResponse } from '@admit/contracts';
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
  async admit(@Body() { client_id: clientId }: AdmissionRequest, @Ip() source: string): Promise<ClientInformationResponse> {
    this.limits.take('admissions', clientId, source);
    return this.pipeline.admit({ client_id: clientId, source: 'cimd', received_at: new Date().toISOString() });
  }
}
