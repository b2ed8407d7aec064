import type { Problem } from '@admit/contracts';
import { verifyAttestation, verifyClientAttestation, WorkloadError, type VerifiedAttestationOnly } from '@admit/workload';
import { codedProblem } from './coded-problem';
import type { ClientAttesterAnchor } from './trust-anchor';

/** A verification that failed in a way the library does not name (a bug): reported without detail. */
export const ATTESTATION_FAILED = 'ERR_ATTESTATION_FAILED';

export type AttestedAgent = VerifiedAttestationOnly<ClientAttesterAnchor>;
export type AttestationResolution = { ok: true; agent: AttestedAgent } | { ok: false; problem: Problem };

/** What checking a proof of possession needs: Admit's issuer (its `aud`) and the jti ledger. */
export interface PopRules {
  audience: string;
  /** Claims a PoP's `jti` for the client until `untilS`; false if it was used before. */
  claimJti(clientId: string, jti: string, untilS: number): Promise<boolean>;
}

/**
 * Client attestation as a metadata source: the configured `type: client_attester` anchors, whose
 * attestations bind an agent's key to its client id. Intake checks an attestation with its proof of
 * possession where the agent presents them (`withPop`); the validator checks the attestation alone,
 * as evidence of whom it admits. Every failure is one problem with a stable code.
 */
export class ClientAttesters {
  constructor(
    readonly anchors: readonly ClientAttesterAnchor[],
    private readonly skewS = 30,
    private readonly now: () => number = Date.now,
  ) {}

  /** The attestation alone: attester, signature, `exp`, `sub` and `cnf.jwk`. */
  verify(attestation: string): Promise<AttestationResolution> {
    return this.resolve(() => verifyAttestation(attestation, this.rules()));
  }

  /** The attestation and its PoP: signed with the bound key, `aud` = Admit, a recent `iat`, a fresh `jti`. */
  withPop(attestation: string, pop: string | undefined, rules: PopRules): Promise<AttestationResolution> {
    return this.resolve(() => verifyClientAttestation(attestation, pop, { ...this.rules(), ...rules }));
  }

  private rules() {
    return { attesters: this.anchors, nowS: Math.floor(this.now() / 1000), skewS: this.skewS };
  }

  private async resolve(verify: () => Promise<AttestedAgent>): Promise<AttestationResolution> {
    try {
      return { ok: true, agent: await verify() };
    } catch (err) {
      if (err instanceof WorkloadError) return { ok: false, problem: codedProblem(err.code, err.message) };
      return { ok: false, problem: codedProblem(ATTESTATION_FAILED, 'the client attestation could not be verified') };
    }
  }
}
