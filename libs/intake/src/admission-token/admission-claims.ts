import { RegistrationDecided } from '@admit/contracts';
import type { JWTPayload } from 'jose';
import { AdmissionTokenError, AdmissionTokenErrorCode } from './admission-token-error';

/** The JOSE `typ` of an admission token, so it cannot be mistaken for (or replayed as) another JWT. */
export const ADMISSION_TOKEN_TYPE = 'admission+jwt';

/**
 * What an admission token says. The registered claims are RFC 7519's; Admit's own carry an `adm_`
 * prefix so they cannot collide with a gateway's. Together they let a gateway check, offline, every
 * kind of revocation: client id (`sub`), software id, anchor, key thumbprint and origin.
 */
export interface AdmissionClaims extends JWTPayload {
  iss: string;
  /** The client id. */
  sub: string;
  iat: number;
  /** The admission's end (`admission.expires_at`), never later. */
  exp: number;
  jti: string;
  /** The version (`sha256:<hex>`) of the policy set that decided. */
  adm_policy: string;
  /** Where the metadata came from: `cimd`, `software_statement` or `self_asserted`. */
  adm_source: string;
  adm_anchor?: string;
  adm_software_id?: string;
  adm_origin?: string;
  /** SHA-256 (hex) of the validation evidence, as the audit store keeps it. */
  adm_evidence_sha256: string;
  /** RFC 7638 thumbprints of the client's keys; empty when it has none. */
  adm_jkts: string[];
}

/**
 * The claims of the token for one allow decision. Throws AdmissionTokenError when the decision may
 * not have a token: a deny, an allow without its admission, or an admission that has already ended.
 */
export function admissionClaims(decided: RegistrationDecided, context: { issuer: string; now: Date; jti: string }): AdmissionClaims {
  if (decided.decision !== 'allow') {
    throw new AdmissionTokenError(AdmissionTokenErrorCode.NotAllowed, `${decided.client_id} was denied; a denied client gets no token`);
  }
  const { admission } = decided;
  if (!admission) {
    throw new AdmissionTokenError(AdmissionTokenErrorCode.Missing, `the allow decision for ${decided.client_id} carries no admission`);
  }
  const iat = Math.floor(context.now.getTime() / 1000);
  // Rounded down: the token may end a fraction of a second before the admission, never after it.
  const exp = Math.floor(Date.parse(admission.expires_at) / 1000);
  if (!(exp > iat)) {
    throw new AdmissionTokenError(AdmissionTokenErrorCode.Expired, `the admission of ${decided.client_id} ended at ${admission.expires_at}`);
  }
  return {
    iss: context.issuer,
    sub: decided.client_id,
    iat,
    exp,
    jti: context.jti,
    adm_policy: decided.policy_version,
    adm_source: admission.source,
    ...(admission.anchor === undefined ? {} : { adm_anchor: admission.anchor }),
    ...(admission.software_id === undefined ? {} : { adm_software_id: admission.software_id }),
    ...(admission.origin === undefined ? {} : { adm_origin: admission.origin }),
    adm_evidence_sha256: admission.evidence_sha256,
    adm_jkts: [...admission.jkts],
  };
}
