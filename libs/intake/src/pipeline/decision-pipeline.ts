import { Inject, Injectable } from '@nestjs/common';
import { Publisher } from '@admit/bus';
import { ClientInformationResponse, CloudEvent, EventData, HttpError, RegistrationError, Topic } from '@admit/contracts';
import { ApiError } from '@admit/platform';
import { randomUUID } from 'node:crypto';
import { DecisionTimeout, PendingDecisions } from './pending-decisions';

export const INTAKE_OPTIONS = Symbol('INTAKE_OPTIONS');
export interface IntakeOptions {
  /** How long a caller waits for its decision before getting 503. */
  decisionTimeoutMs: number;
}

/** Sends a request through validator and policy, and waits for its one decision. */
@Injectable()
export class DecisionPipeline {
  constructor(
    private readonly publisher: Publisher,
    private readonly pending: PendingDecisions,
    @Inject(INTAKE_OPTIONS) private readonly options: IntakeOptions,
  ) {}

  /**
   * Resolves with the client information of an allow decision (RFC 7591 §3.2.1); throws ApiError 400
   * on deny and 503 when no decision came in time.
   */
  async admit(request: EventData<typeof Topic.RegistrationRequested>): Promise<ClientInformationResponse> {
    const correlationId = randomUUID();
    const { decision, cancel } = this.pending.wait(correlationId, this.options.decisionTimeoutMs);
    const publishing = this.publisher.publish(Topic.RegistrationRequested, request, { subject: request.client_id, correlationId });
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
      const description = data.reasons.map((r) => r.description).join('; ') || 'denied';
      throw new ApiError(400, data.error ?? RegistrationError.InvalidClientMetadata, description);
    }
    return { ...data.metadata, client_id: data.client_id, client_id_issued_at: Math.floor(Date.parse(data.decided_at) / 1000) };
  }
}

function unavailable(description: string): ApiError {
  return new ApiError(503, HttpError.TemporarilyUnavailable, description, { 'retry-after': '1' });
}
