import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { EntityStatement, FEDERATION_ALGORITHMS } from './entity-statement';
import { TrustMarkErrorCode as Code } from './federation-error';

export const TRUST_MARK_TYPE = 'trust-mark+jwt';

export interface TrustMark {
  type: string;
  issuer: string;
}

export interface RejectedTrustMark {
  type: string;
  code: Code;
  description: string;
}

/**
 * The leaf's trust marks that hold: each a `trust-mark+jwt` about the leaf, from an issuer the trust
 * anchor's `trust_mark_issuers` names for that mark type, signed with a key of that issuer's own
 * entity configuration, and not expired. The others are returned with why; they never fail the chain.
 */
export async function verifyTrustMarks(
  leaf: EntityStatement,
  anchor: EntityStatement,
  keysOf: (issuer: string) => Promise<JSONWebKeySet>,
  nowS: number,
  skewS: number,
): Promise<{ valid: TrustMark[]; rejected: RejectedTrustMark[] }> {
  const valid: TrustMark[] = [];
  const rejected: RejectedTrustMark[] = [];
  for (const { trust_mark_type: type, trust_mark: jwt } of leaf.trust_marks ?? []) {
    const reject = (code: Code, description: string) => rejected.push({ type, code, description });
    let issuer: string;
    let exp: unknown;
    try {
      const header = decodeProtectedHeader(jwt);
      const claims = decodeJwt(jwt);
      if (header.typ !== TRUST_MARK_TYPE || typeof claims.iss !== 'string' || claims.sub !== leaf.sub || claims.trust_mark_type !== type || typeof claims.iat !== 'number') {
        reject(Code.Invalid, `the ${type} trust mark is not a ${TRUST_MARK_TYPE} about ${leaf.sub} of that type`);
        continue;
      }
      issuer = claims.iss;
      exp = claims.exp;
    } catch {
      reject(Code.Invalid, `the ${type} trust mark is not a compact JWS`);
      continue;
    }
    if (!(anchor.trust_mark_issuers?.[type] ?? []).includes(issuer)) {
      reject(Code.IssuerUnauthorised, `the trust anchor does not authorise ${issuer} to issue ${type} trust marks`);
      continue;
    }
    if (typeof exp === 'number' && exp <= nowS - skewS) {
      reject(Code.Expired, `the ${type} trust mark expired at ${new Date(exp * 1000).toISOString()}`);
      continue;
    }
    const keys = await keysOf(issuer).catch(() => undefined);
    if (!keys) {
      reject(Code.IssuerUnavailable, `the keys of trust mark issuer ${issuer} could not be resolved`);
      continue;
    }
    try {
      await compactVerify(jwt, createLocalJWKSet(keys), { algorithms: FEDERATION_ALGORITHMS });
    } catch {
      reject(Code.Signature, `the ${type} trust mark does not verify with ${issuer}'s keys`);
      continue;
    }
    valid.push({ type, issuer });
  }
  return { valid, rejected };
}
