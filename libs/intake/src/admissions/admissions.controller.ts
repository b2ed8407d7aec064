import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { AdmissionRequest, ClientInformationResponse } from '@admit/contracts';
import { RateLimits } from '../limits/rate-limits';
import { DecisionPipeline } from '../pipeline/decision-pipeline';

/**
 * Admission by an https client id: a Client ID Metadata Document, whose document the validator
 * fetches and checks, or an OpenID Federation leaf (`"source": "openid_federation"`, or a host under a
 * federation anchor's domains), whose trust chain it resolves. Nothing is registered; the answer says
 * whether, and as what, the client is admitted now.
 */
@Controller()
export class AdmissionsController {
  constructor(
    private readonly pipeline: DecisionPipeline,
    private readonly limits: RateLimits,
  ) {}

  @Post('admissions')
  @HttpCode(200)
  async admit(@Body() request: AdmissionRequest, @Ip() source: string): Promise<ClientInformationResponse> {
    const clientId = request.client_id;
    this.limits.take('admissions', clientId, source);
    return this.pipeline.admit({ client_id: clientId, source: request.source ?? 'cimd', received_at: new Date().toISOString() });
  }
}
