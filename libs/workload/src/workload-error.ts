import { CodedError } from '@admit/contracts';

/** Why a workload's or agent's proof was refused; each is a stable reason code. */
export const WorkloadErrorCode = {
  /** Not a SPIFFE ID as the SPIFFE ID spec defines it. */
  SpiffeId: 'ERR_SPIFFE_ID',
  /** A JWT-SVID that is not a compact JWS with `sub`, `aud` and `exp`. */
  SvidInvalid: 'ERR_SVID_INVALID',
  /** The SVID's SPIFFE ID belongs to another trust domain than the anchor's. */
  SvidTrustDomain: 'ERR_SVID_TRUST_DOMAIN',
  SvidAudience: 'ERR_SVID_AUDIENCE',
  SvidExpired: 'ERR_SVID_EXPIRED',
  /** The SVID's `exp` is further away than the anchor's `max_lifetime_s`. */
  SvidLifetime: 'ERR_SVID_LIFETIME',
  /** The SVID does not verify with the trust domain's JWT bundle. */
  SvidSignature: 'ERR_SVID_SIGNATURE',
  /** The trust domain's bundle could not be fetched. */
  BundleUnavailable: 'ERR_SPIFFE_BUNDLE_UNAVAILABLE',
  AttestationInvalid: 'ERR_ATTESTATION_INVALID',
  /** No anchor of type client_attester has the attestation's issuer. */
  AttesterUnknown: 'ERR_ATTESTATION_ATTESTER_UNKNOWN',
  AttestationSignature: 'ERR_ATTESTATION_SIGNATURE',
  AttestationExpired: 'ERR_ATTESTATION_EXPIRED',
  /** An attestation came without its proof of possession (`OAuth-Client-Attestation-PoP`). */
  PopMissing: 'ERR_ATTESTATION_POP_MISSING',
  PopInvalid: 'ERR_ATTESTATION_POP_INVALID',
  /** The PoP is not signed by the key the attestation binds (`cnf.jwk`). */
  PopSignature: 'ERR_ATTESTATION_POP_SIGNATURE',
  PopAudience: 'ERR_ATTESTATION_POP_AUDIENCE',
  /** The PoP's `iat` is outside the accepted window, or its challenge is not the one issued. */
  PopStale: 'ERR_ATTESTATION_POP_STALE',
  /** The PoP's `jti` was already used. */
  PopReplayed: 'ERR_ATTESTATION_POP_REPLAYED',
} as const;
export type WorkloadErrorCode = (typeof WorkloadErrorCode)[keyof typeof WorkloadErrorCode];

export class WorkloadError extends CodedError<WorkloadErrorCode> {}
