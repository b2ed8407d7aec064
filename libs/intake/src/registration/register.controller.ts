import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ClientInformationResponse, RegistrationError } from '@admit/contracts';
import { JsonObjectBody } from '@admit/platform';
import { DecisionPipeline } from '../pipeline/decision-pipeline';
import { metadataClientId } from './client-id';

/** RFC 7591 dynamic registration, answered from the decision the pipeline reaches. */
@Controller()
export class RegisterController {
  constructor(private readonly pipeline: DecisionPipeline) {}

  @Post('register')
  @HttpCode(201)
  async register(
    @Body(new JsonObjectBody(RegistrationError.InvalidClientMetadata)) metadata: Record<string, unknown>,
  ): Promise<ClientInformationResponse> {
    // For a software statement this id is provisional: the validator derives the real one from the
    // verified anchor and software_id, and the decision carries it.
    return this.pipeline.admit({
      client_id: metadataClientId(metadata),
      source: 'rfc7591',
      metadata,
      received_at: new Date().toISOString(),
    });
  }
}
