import { Problem, RegistrationRequested } from '@admit/contracts';
import { ClientAttesters, SpiffeSource } from '@admit/trust';
import { Jtis } from './client-assertion';

/** The headers of OAuth attestation-based client authentication, as Node spells them (lowercase). */
export const ATTESTATION_HEADER = 'oauth-client-attestation';
export const ATTESTATION_POP_HEADER = 'oauth-client-attestation-pop';

/** The attestation headers of a request, as presented (either may be missing). */
export interface PresentedAttestation {
  attestation?: string;
  pop?: string;
}

/** The presented proof names another client than the request. */
export const PROOF_CLIENT_MISMATCH = 'ERR_PROOF_CLIENT_ID';

/**
 * A proof a workload or agent presented that holds: the client it proves, the request that admits
 * it on that proof (to the validator, which checks the credential again as evidence), and the key
 * it proved possession of, if any.
 */
export interface HeldProof {
  clientId: string;
  request: RegistrationRequested;
  jkt?: string;
}

export type ProofResult = { ok: true; proof: HeldProof } | { ok: false; problem: Problem };

/**
 * The proofs intake checks where they are presented: an agent's client attestation with its proof of
 * possession (the PoP's jti is claimed in the jti ledger client assertions use, so it is accepted
 * once by every intake), and a workload's JWT-SVID (no jti: SVIDs are reused until their exp).
 */
export class WorkloadProofs {
  constructor(
    private readonly spiffe: SpiffeSource,
    private readonly attesters: ClientAttesters,
    private readonly issuer: string,
    private readonly jtis: Jtis,
    private readonly now: () => number = Date.now,
  ) {}

  async attestation(presented: PresentedAttestation, receivedAt: string): Promise<ProofResult> {
    if (presented.attestation === undefined) return refused('ERR_ATTESTATION_INVALID', 'an OAuth-Client-Attestation-PoP was sent without its OAuth-Client-Attestation');
    const resolved = await this.attesters.withPop(presented.attestation, presented.pop, {
      audience: this.issuer,
      claimJti: async (clientId, jti, untilS) => (await this.jtis.claim(clientId, jti, untilS * 1000, this.now())) === 'accepted',
    });
    if (!resolved.ok) return resolved;
    const { clientId, jkt } = resolved.agent;
    return { ok: true, proof: { clientId, jkt, request: { client_id: clientId, source: 'client_attestation', client_attestation: presented.attestation, received_at: receivedAt } } };
  }

  async svid(svid: string, receivedAt: string): Promise<ProofResult> {
    const resolved = await this.spiffe.verify(svid);
    if (!resolved.ok) return resolved;
    const clientId = resolved.workload.svid.spiffeId.id;
    return { ok: true, proof: { clientId, request: { client_id: clientId, source: 'spiffe', client_assertion: svid, received_at: receivedAt } } };
  }
}

/** A proof of `proof.clientId`, presented for `clientId`: refused unless they are the same client. */
export function proofFor(clientId: string, result: ProofResult): ProofResult {
  if (!result.ok || result.proof.clientId === clientId) return result;
  return refused(PROOF_CLIENT_MISMATCH, `the proof presented is for ${JSON.stringify(result.proof.clientId.slice(0, 256))}, not for client_id ${JSON.stringify(clientId.slice(0, 256))}`);
}

function refused(code: string, description: string): ProofResult {
  return { ok: false, problem: { code, description: `${code}: ${description}`.slice(0, 2048) } };
}
