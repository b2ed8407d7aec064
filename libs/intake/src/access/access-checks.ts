import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Publisher, StoredEvents } from '@admit/bus';
import { AccessDecision, ActivePolicy, checkRevoked, decideAccess } from '@admit/cedar';
import { DecisionReason, EventData, JWT_SPIFFE_ASSERTION_TYPE, Problem, RegistrationRequested, Topic } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { randomUUID } from 'node:crypto';
import { publicReasons } from '../answer/public-reasons';
import { DecisionPipeline, unavailable } from '../pipeline/decision-pipeline';
import { AccessCheckRequest } from './access-check-request';
import { AdmissionCache, CachedAdmission } from './admission-cache';
import { AssertionError, ClientAssertions } from './client-assertion';
import { DecisionCache } from './decision-cache';
import { UnknownClientChecks } from './unknown-client-checks';
import { HeldProof, PresentedAttestation, proofFor, ProofResult, WorkloadProofs } from './workload-proofs';

export interface AccessCheckAnswer {
  decision: 'allow' | 'deny';
  reasons: Problem[];
  check_id: string;
  admission_age_s: number | null;
}

type Checked = EventData<typeof Topic.AccessChecked>;

/**
 * Access checks before a sensitive call. A fresh cached admission is decided here, with the active
 * Cedar version; a missing one, or one that only a freshness bound (`@revalidate`) denies, is
 * renewed through the whole pipeline first. Every check is published on `admit.access.checked.v1`,
 * and answered once that event is durable.
 */
@Injectable()
export class AccessChecks implements BeforeApplicationShutdown {
  private readonly unknownClients: UnknownClientChecks;
  private readonly decisions = new DecisionCache();

  constructor(
    private readonly admissions: AdmissionCache,
    private readonly revocations: RevocationSet,
    private readonly policy: ActivePolicy,
    private readonly pipeline: DecisionPipeline,
    private readonly assertions: ClientAssertions,
    private readonly publisher: Publisher,
    private readonly stored: StoredEvents,
    private readonly proofs: WorkloadProofs,
  ) {
    this.unknownClients = new UnknownClientChecks((event) => this.publisher.publish(Topic.AccessChecked, event, { subject: event.client_id }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.unknownClients.closeAll();
  }

  /** `attestation`: the OAuth-Client-Attestation headers, when the caller sent them. */
  async check(request: AccessCheckRequest, attestation?: PresentedAttestation): Promise<AccessCheckAnswer> {
    return (await this.checkWithAdmission(request, attestation)).answer;
  }

  /** `check`, with the end of the admission an allow was decided on (for gateways to pass on). */
  async checkWithAdmission(request: AccessCheckRequest, attestation?: PresentedAttestation): Promise<{ answer: AccessCheckAnswer; admissionExpiresAt?: string }> {
    if (!this.revocations.ready || this.policy.version === undefined) {
      throw unavailable('revocations or policy not loaded yet; try again');
    }
    const { outcome, path, admitted, unknown, admission } = await this.evaluate(request, await this.proofOf(request, attestation));
    const checked: Checked = {
      check_id: randomUUID(),
      client_id: request.client_id,
      action: request.action,
      ...(request.resource === undefined ? {} : { resource: request.resource }),
      decision: outcome.decision,
      reasons: outcome.reasons,
      policy_version: outcome.policy_version,
      path,
      ...(admitted ? { admission_age_s: outcome.admission_age_s } : {}),
      checked_at: new Date().toISOString(),
    };
    // Checks of a client with no admission take no credential: counted per window, not one event each.
    if (unknown) checked.check_id = this.unknownClients.record(checked);
    else {
      const event = await this.publisher.publish(Topic.AccessChecked, checked, { subject: request.client_id });
      // Answered once its evidence is durable.
      await this.stored.stored(event.id);
    }
    const answer: AccessCheckAnswer = { decision: checked.decision, reasons: publicReasons(checked.reasons), check_id: checked.check_id, admission_age_s: checked.admission_age_s ?? null };
    return checked.decision === 'allow' && admission ? { answer, admissionExpiresAt: admission.admission.expires_at } : { answer };
  }

  /**
   * The workload proof the check presents, checked here where it is presented: an agent's client
   * attestation with its PoP, or a JWT-SVID as the client assertion (jwt-spiffe). Either must name
   * the request's client. None: undefined (a private_key_jwt assertion is checked against the admission).
   */
  private async proofOf(request: AccessCheckRequest, attestation: PresentedAttestation | undefined): Promise<ProofResult | undefined> {
    if (attestation && (attestation.attestation !== undefined || attestation.pop !== undefined)) {
      return proofFor(request.client_id, await this.proofs.attestation(attestation, new Date().toISOString()));
    }
    if (request.client_assertion_type === JWT_SPIFFE_ASSERTION_TYPE) {
      if (request.client_assertion === undefined) return { ok: false, problem: { code: AssertionError.Invalid, description: 'client_assertion_type jwt-spiffe needs the JWT-SVID as client_assertion' } };
      return proofFor(request.client_id, await this.proofs.svid(request.client_assertion, new Date().toISOString()));
    }
    return undefined;
  }

  /**
   * `unknown`: Admit holds no admission for the client and could not admit it now. A workload proof
   * that holds renews the admission when this instance holds none, or none for the key it proved.
   */
  private async evaluate(
    request: AccessCheckRequest,
    proof: ProofResult | undefined,
  ): Promise<{ outcome: AccessDecision; path: Checked['path']; admitted: boolean; unknown?: true; admission?: CachedAdmission }> {
    const version = this.policy.current().version;
    // A client revoked by its id is denied as such, whether or not this instance holds its admission.
    const revoked = checkRevoked(this.revocations, { client_id: request.client_id });
    if (revoked) return { outcome: refused(version, [revoked]), path: 'local', admitted: false };
    if (proof && !proof.ok) return { outcome: refused(version, [{ code: proof.problem.code, description: proof.problem.description }]), path: 'local', admitted: false };
    const held = proof?.proof;
    const cached = this.admissions.get(request.client_id);
    if (cached && (held?.jkt === undefined || cached.admission.jkts.includes(held.jkt))) {
      const outcome = await this.decide(request, cached, held);
      if (!outcome.revalidate) return { outcome, path: 'local', admitted: true, admission: cached };
    }
    const renewed = await this.renew(request.client_id, held);
    if (Array.isArray(renewed)) return { outcome: refused(version, renewed), path: 'pipeline', admitted: false, unknown: true };
    return { outcome: await this.decide(request, renewed, held), path: 'pipeline', admitted: true, admission: renewed };
  }

  /** Revocations first (they need no policy), then the client's proof (a workload proof, or a client assertion), then Cedar. */
  private async decide(request: AccessCheckRequest, cached: CachedAdmission, held?: HeldProof): Promise<AccessDecision> {
    const policies = this.policy.current();
    const revoked = checkRevoked(this.revocations, { client_id: cached.client_id, ...cached.admission });
    if (revoked) return refused(policies.version, [revoked], cached);
    let assertion: 'verified' | 'absent' = held ? 'verified' : 'absent';
    if (!held && request.client_assertion !== undefined) {
      const verified = await this.assertions.verify(request.client_assertion, cached.client_id, cached.metadata);
      if (!verified.ok) return refused(policies.version, [{ code: verified.code, description: verified.description }], cached);
      assertion = 'verified';
    }
    const { action, resource } = request;
    const sensitivity = request.context?.sensitivity;
    return this.decisions.decide(cached, { policyVersion: policies.version, action, resource, sensitivity, clientAssertion: assertion }, (now) =>
      decideAccess(policies, {
        client_id: cached.client_id,
        admission: cached.admission,
        metadata: cached.metadata,
        action,
        resource,
        context: { sensitivity, client_assertion: assertion },
        now,
      }),
    );
  }

  /**
   * Admits the client again through validator and policy. A CIMD client's document, or a federation
   * client's trust chain, is fetched again (`fresh`: a cached copy could be as old as its cache
   * lifetime, which defeats the re-check);
   * another client can be renewed only with the request that admitted it, which this instance kept.
   */
  private async renew(clientId: string, held?: HeldProof): Promise<CachedAdmission | Problem[]> {
    const kept = this.admissions.requestOf(clientId);
    const request: RegistrationRequested | undefined = held
      ? held.request
      : clientId.startsWith('https://')
      ? this.admissions.urlRequest(clientId, true)
      : kept && { ...kept, received_at: new Date().toISOString() };
    if (!request) return [notAdmitted(clientId)];
    const { data } = await this.pipeline.decide(request);
    // The decision went through the cache on its way back; a deny says why.
    return (data.decision === 'allow' && this.admissions.get(clientId)) || (data.decision === 'deny' ? data.reasons : [notAdmitted(clientId)]);
  }
}

/** A deny Admit reaches before Cedar: revoked, not admitted, or a refused client assertion. */
function refused(policyVersion: string, reasons: Problem[], cached?: CachedAdmission): AccessDecision {
  const age = cached ? Math.max(0, Math.floor((Date.now() - Date.parse(cached.admission.validated_at)) / 1000)) : 0;
  return { decision: 'deny', policy_version: policyVersion, determining_policies: [], reasons, revalidate: false, admission_age_s: age };
}

function notAdmitted(clientId: string): Problem {
  const description = clientId.startsWith('https://')
    ? 'the client metadata document or trust chain did not admit the client'
    : 'no current admission for this client: it must register again';
  return { code: DecisionReason.NotAdmitted, description };
}
