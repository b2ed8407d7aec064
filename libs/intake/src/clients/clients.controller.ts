import { Controller, Get, Ip, Param } from '@nestjs/common';
import { HttpError, RegistrationDecided, RequestError } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { AdmissionCache } from '../access/admission-cache';
import { RateLimits } from '../limits/rate-limits';
import { AdmittedClient, DecisionPipeline, RegistrationDenied, unavailable } from '../pipeline/decision-pipeline';
import { LiveAdmissions } from './live-admissions';

/** RFC 6749 §5.2: what an authorization server answers for a client it does not (or no longer) know. */
export const INVALID_CLIENT = 'invalid_client';

/**
 * Resolves a client id, percent-encoded as one path segment, to the metadata admitted right now: what
 * an authorization server needs at `/authorize` and its token endpoint. A live admission is served
 * as it is, from any intake; a CIMD or OpenID Federation client without one is admitted now (its
 * document fetched, or its trust chain resolved, then validated and decided); any other client must register again once its admission has ended.
 */
@Controller()
export class ClientsController {
  constructor(
    private readonly live: LiveAdmissions,
    private readonly revocations: RevocationSet,
    private readonly pipeline: DecisionPipeline,
    private readonly limits: RateLimits,
    private readonly admissions: AdmissionCache,
  ) {}

  @Get('clients/:client_id')
  async resolve(@Param('client_id') clientId: string, @Ip() source: string): Promise<AdmittedClient> {
    if (!this.revocations.ready) throw unavailable('revocations not loaded yet; try again');
    if (clientId.length === 0 || clientId.length > 2048) throw notAdmitted('no client has this id');
    if (this.revocations.match({ client_id: clientId })) throw notAdmitted('the client is revoked');
    const live = await this.live.find(clientId);
    if (live?.admission) {
      if (!this.revocations.match({ client_id: clientId, ...live.admission })) return this.answer(live);
      await this.live.forget(clientId);
      throw notAdmitted('the client is revoked');
    }
    if (!clientId.startsWith('https://')) throw notAdmitted(ENDED);
    this.limits.take('admissions', clientId, source);
    try {
      return await this.pipeline.admit(this.admissions.urlRequest(clientId, false));
    } catch (err) {
      // A denied document or chain: the client is not one now, and the caller learns why.
      if (err instanceof RegistrationDenied) throw notAdmitted(err.message);
      throw err;
    }
  }

  /** An admission that ends while it is being answered (token times are whole seconds) has ended. */
  private async answer(live: RegistrationDecided): Promise<AdmittedClient> {
    try {
      return await this.pipeline.answer(live);
    } catch (err) {
      if (err instanceof RequestError && err.code === HttpError.TemporarilyUnavailable && live.admission && Date.parse(live.admission.expires_at) < Date.now() + 1_000) throw notAdmitted(ENDED);
      throw err;
    }
  }
}

const ENDED = 'no current admission for this client: it must register again';

function notAdmitted(description: string): RequestError {
  return new RequestError(INVALID_CLIENT, description);
}
