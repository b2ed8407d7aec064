import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Publisher } from '@admit/bus';
import { ClientInformationResponse, CloudEvent, HttpError, RegistrationError, Topic } from '@admit/contracts';
import { ApiError, JsonObjectBody } from '@admit/platform';
import { randomUUID } from 'node:crypto';
import { metadataClientId } from './client-id';
import { DecisionTimeout, PendingDecisions } from './pending-decisions';

export const INTAKE_OPTIONS = Symbol('INTAKE_OPTIONS');
export interface IntakeOptions {
  /** How long a caller waits for its decision before getting 503. */
  decisionTimeoutMs: number;
}

/** RFC 7591 dynamic registration, answered from the decision the pipeline reaches. */
@Controller()
export class RegisterController {
  constructor(
    private readonly publisher: Publisher,
    private readonly pending: PendingDecisions,
    @Inject(INTAKE_OPTIONS) private readonly options: IntakeOptions,
  ) {}

  @Post('register')
  @HttpCode(201)
  async register(
    @Body(new JsonObjectBody(RegistrationError.InvalidClientMetadata)) metadata: Record<string, unknown>,
  ): Promise<ClientInformationResponse> {
    const clientId = metadataClientId(metadata);
    const correlationId = randomUUID();
    const { decision, cancel } = this.pending.wait(correlationId, this.options.decisionTimeoutMs);
    const publishing = this.publisher.publish(
      Topic.RegistrationRequested,
      { client_id: clientId, source: 'rfc7591', metadata, received_at: new Date().toISOString() },
      { subject: clientId, correlationId },
    );
    let decided: CloudEvent<typeof Topic.RegistrationDecided>;
    try {
      // The deadline covers publishing too: an idempotent producer retries for as long as the broker is away.
      await Promise.race([publishing, decision]);
      decided = await decision;
    } catch (err) {
      cancel();
      publishing.catch(() => undefined);
      // A request that was published stays in the pipeline and is still decided and audited.
      throw unavailable(err instanceof DecisionTimeout ? 'no decision was reached in time; try again' : 'the request could not be queued; try again');
    }
    const { data } = decided;
    if (data.decision === 'deny' || !data.metadata) {
      const description = data.reasons.map((r) => r.description).join('; ') || 'registration denied';
      throw new ApiError(400, data.error ?? RegistrationError.InvalidClientMetadata, description);
    }
    return { ...data.metadata, client_id: data.client_id, client_id_issued_at: Math.floor(Date.parse(data.decided_at) / 1000) };
  }

  @EventPattern(Topic.RegistrationDecided, consumer('intake'))
  onDecided(@Payload() event: CloudEvent<typeof Topic.RegistrationDecided>): void {
    this.pending.resolve(event);
  }
}

function unavailable(description: string): ApiError {
  return new ApiError(503, HttpError.TemporarilyUnavailable, description, { 'retry-after': '1' });
}
