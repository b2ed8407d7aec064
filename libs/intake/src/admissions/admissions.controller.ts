import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ClientInformationResponse, RegistrationError } from '@admit/contracts';
import { ApiError, JsonObjectBody } from '@admit/platform';
import { RateLimits } from '../limits/rate-limits';
import { DecisionPipeline } from '../pipeline/decision-pipeline';

/**
 * Admission by an https client id: a Client ID Metadata Document, whose document the validator
 * fetches and checks, or an OpenID Federation leaf (`"source": "openid_federation"`, or a host under a
 * federation anchor's domains), whose trust chain it resolves. Nothing is registered; the answer says
 * whether, and as what, the client is admitted now.
 */
const FEDERATION = 'openid_federation';

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
      throw new ApiError(400, RegistrationError.InvalidClientMetadata, 'client_id must be the https URL of a client metadata document or an OpenID Federation entity identifier');
    }
    if (body.source !== undefined && body.source !== FEDERATION) {
      throw new ApiError(400, RegistrationError.InvalidClientMetadata, `source must be "${FEDERATION}" when given`);
    }
    this.limits.take('admissions', clientId, source);
    return this.pipeline.admit({ client_id: clientId, source: body.source === FEDERATION ? FEDERATION : 'cimd', received_at: new Date().toISOString() });
  }
}
