import { Inject, Injectable, Logger } from '@nestjs/common';
import { Inbox, Publisher } from '@admit/bus';
import { ClientInformationResponse, CloudEvent, EventData, HttpError, NewEventOptions, RegistrationError, RequestError, Topic } from '@admit/contracts';
import { randomUUID } from 'node:crypto';
import { AdmissionCache } from '../access/admission-cache';
import { AdmissionTokenError, AdmissionTokenErrorCode } from '../admission-token/admission-token-error';
import { AdmissionTokens } from '../admission-token/admission-tokens';
import { publicReasons } from '../answer/public-reasons';
import { DecisionTimeout, PendingDecisions } from './pending-decisions';

type Requested = EventData<typeof Topic.RegistrationRequested>;

export const INTAKE_OPTIONS = Symbol('INTAKE_OPTIONS');
export interface IntakeOptions {
  /** How long a caller waits for its decision before getting 503. */
  decisionTimeoutMs: number;
}

/** The RFC 7591 client information response, plus the signed admission token. */
export type AdmittedClient = ClientInformationResponse & { admission: string };

/** A deny: its RFC 7591 code (or the first reason's), answered 400. */
export class RegistrationDenied extends RequestError {}

/** Sends a request through validator and policy, and waits for its one decision. */
@Injectable()
export class DecisionPipeline {
  private readonly logger = new Logger('intake');

  constructor(
    private readonly publisher: Publisher,
    private readonly pending: PendingDecisions,
    private readonly admissions: AdmissionCache,
    private readonly inbox: Inbox,
    private readonly tokens: AdmissionTokens,
    @Inject(INTAKE_OPTIONS) private readonly options: IntakeOptions,
  ) {}

  /**
   * Resolves with the client information of an allow decision (RFC 7591 §3.2.1) and its admission
   * token; throws RegistrationDenied on deny, `temporarily_unavailable` when no
   * decision came in time, `server_error` when an allow cannot carry a token.
   */
  async admit(request: Requested): Promise<AdmittedClient> {
    const { data } = await this.decide(request);
    if (data.decision === 'deny' || !data.metadata) {
      const description = publicReasons(data.reasons).map((r) => r.description).join('; ') || 'denied';
      throw new RegistrationDenied(data.error ?? RegistrationError.InvalidClientMetadata, description);
    }
    return this.answer(data);
  }

  /**
   * The answer for an allow decision: its metadata, client id, issue and expiry times and a new
   * admission token. `client_id_expires_at` (an Admit extension: RFC 7591 defines only
   * `client_secret_expires_at`) is when the admission ends and the client must be admitted again.
   */
  async answer(data: EventData<typeof Topic.RegistrationDecided>): Promise<AdmittedClient> {
    const admission = await this.admissionToken(data);
    const expiresAt = data.admission ? Math.floor(Date.parse(data.admission.expires_at) / 1000) : undefined;
    // The token comes last: a client's own metadata cannot supply one.
    return {
      ...data.metadata,
      client_id: data.client_id,
      client_id_issued_at: Math.floor(Date.parse(data.decided_at) / 1000),
      ...(expiresAt === undefined ? {} : { client_id_expires_at: expiresAt }),
      admission,
    };
  }

  /**
   * Every allow carries a token. An allow without one, as a policy service older than contracts
   * 1.1.0 decides it, is answered 500 rather than 201 without a token: callers and gateways rely on
   * the token to verify the admission offline, so a token-less success would break them silently,
   * while a 500 (logged) shows the deployment error at once. The decision itself stands and is
   * audited; the same request after the upgrade gets its token.
   */
  private async admissionToken(data: EventData<typeof Topic.RegistrationDecided>): Promise<string> {
    try {
      return await this.tokens.issue(data);
    } catch (err) {
      if (err instanceof AdmissionTokenError && err.code === AdmissionTokenErrorCode.Expired) {
        // The decision waited longer than the admission lasts; asking again gets a fresh one.
        throw unavailable('the admission ended before it could be issued; try again');
      }
      const reason = err instanceof AdmissionTokenError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
      this.logger.error(`no admission token for ${data.client_id}: ${reason}`);
      throw new RequestError(HttpError.ServerError, 'the admission token could not be issued');
    }
  }

  /**
   * Publishes the request and resolves with its one decision; throws `temporarily_unavailable` when none
   * came in time. The request is kept under the decided client id, so the admission can be renewed later.
   */
  async decide(request: Requested): Promise<CloudEvent<typeof Topic.RegistrationDecided>> {
    const correlationId = randomUUID();
    const { decision, cancel } = this.pending.wait(correlationId, this.options.decisionTimeoutMs);
    // The id is chosen here so that a request published again (see republish) is the same event.
    const event: RequestedOptions = { id: randomUUID(), subject: request.client_id, correlationId, replyTo: this.inbox.id };
    const publishing = this.publisher.publish(Topic.RegistrationRequested, request, event);
    let decided: CloudEvent<typeof Topic.RegistrationDecided>;
    try {
      // The deadline covers publishing too: an idempotent producer retries for as long as the broker is away.
      await Promise.race([publishing, decision]);
      decided = await decision;
    } catch (err) {
      cancel();
      if (err instanceof DecisionTimeout) {
        // The caller is told the request stays in the pipeline and is still decided and audited. The
        // producer gives up on a broker that is away longer than its retries, so make that true.
        publishing.catch(() => this.republish(request, event));
        throw unavailable('no decision was reached in time; try again');
      }
      publishing.catch(() => undefined);
      throw unavailable('the request could not be queued; try again');
    }
    // A denied request does not replace the one behind a live admission, which renewals send again.
    const clientId = decided.data.client_id;
    if (decided.data.decision === 'allow' || !this.admissions.get(clientId)) this.admissions.keepRequest(clientId, request);
    return decided;
  }

  /** Publishes the same request event again, backing off, until the broker takes it. */
  private republish(request: Requested, event: RequestedOptions, delayMs = 1_000): void {
    const retry = () =>
      this.publisher.publish(Topic.RegistrationRequested, request, event).catch((err: unknown) => {
        this.logger.warn(`request ${event.id} still not queued, trying again: ${err instanceof Error ? err.message : String(err)}`);
        this.republish(request, event, Math.min(delayMs * 2, 10_000));
      });
    // Never holds a stopping process open.
    setTimeout(() => void retry(), delayMs).unref();
  }
}

type RequestedOptions = Omit<NewEventOptions, 'source'> & { id: string };

export function unavailable(description: string): RequestError {
  return new RequestError(HttpError.TemporarilyUnavailable, description, { retryAfterS: 1 });
}
