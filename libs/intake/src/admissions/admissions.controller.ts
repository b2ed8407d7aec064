import { Body, Controller, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import { AdmissionRequest, ClientInformationResponse, EventData, orUndefined, RegistrationError, RequestError, Topic } from '@admit/contracts';
import { decodeJwt } from 'jose';
import { ATTESTATION_HEADER, ATTESTATION_POP_HEADER, proofFor, WorkloadProofs } from '../access/workload-proofs';
import { RateLimits } from '../limits/rate-limits';
import { DecisionPipeline } from '../pipeline/decision-pipeline';

/** The name a SPIFFE request goes by when its SVID has no readable `sub` (the validator says why). */
export const UNNAMED_SVID = 'spiffe:unnamed';

/**
 * Admission by an https client id: a Client ID Metadata Document, whose document the validator
 * fetches and checks, or an OpenID Federation leaf (`"source": "openid_federation"`, or a host under a
 * federation anchor's domains), whose trust chain it resolves. Or admission of a SPIFFE workload by
 * its JWT-SVID (`client_assertion_type` jwt-spiffe), which the validator verifies with its trust
 * domain's bundle. Or admission of an agent by its client attestation (the `OAuth-Client-Attestation`
 * and `OAuth-Client-Attestation-PoP` headers, with the agent's `client_id`): intake checks the proof
 * of possession where it is presented, the validator the attestation. Nothing is registered; the
 * answer says whether, and as what, the client is admitted now.
 */
@Controller()
export class AdmissionsController {
  constructor(
    private readonly pipeline: DecisionPipeline,
    private readonly limits: RateLimits,
    private readonly proofs: WorkloadProofs,
  ) {}

  @Post('admissions')
  @HttpCode(200)
  async admit(
    @Body() request: AdmissionRequest,
    @Ip() source: string,
    @Headers(ATTESTATION_HEADER) attestation?: string,
    @Headers(ATTESTATION_POP_HEADER) pop?: string,
  ): Promise<ClientInformationResponse> {
    const receivedAt = new Date().toISOString();
    if (attestation === undefined && pop === undefined) {
      const requested = admissionRequested(request, receivedAt);
      this.limits.take('admissions', requested.client_id, source);
      return this.pipeline.admit(requested);
    }
    if (!('client_id' in request) || request.source !== undefined) {
      throw new RequestError(RegistrationError.InvalidClientMetadata, 'with a client attestation, send only the client_id it names (no client_assertion or source)');
    }
    this.limits.take('admissions', request.client_id, source);
    const proven = proofFor(request.client_id, await this.proofs.attestation({ attestation, pop }, receivedAt));
    if (!proven.ok) throw new RequestError(RegistrationError.InvalidClientMetadata, proven.problem.description);
    return this.pipeline.admit(proven.proof.request);
  }
}

/** The request event for a body the schema accepted: a client id, or a JWT-SVID. */
export function admissionRequested(request: AdmissionRequest, receivedAt: string): EventData<typeof Topic.RegistrationRequested> {
  if ('client_assertion' in request) return { client_id: svidName(request.client_assertion), source: 'spiffe', client_assertion: request.client_assertion, received_at: receivedAt };
  return { client_id: request.client_id, source: request.source ?? 'cimd', received_at: receivedAt };
}

/** The SVID's `sub`, unverified: the request's name until the validator verifies it. */
function svidName(svid: string): string {
  const sub = orUndefined(() => decodeJwt(svid).sub);
  return typeof sub === 'string' && sub.length > 0 && sub.length <= 2048 ? sub : UNNAMED_SVID;
}
