import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, type JSONWebKeySet, type JWK, jwtVerify, createLocalJWKSet } from 'jose';
import { WorkloadError, WorkloadErrorCode as Code } from './workload-error';

export const ATTESTATION_TYPE = 'oauth-client-attestation+jwt';
export const POP_TYPE = 'oauth-client-attestation-pop+jwt';
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'];

/** An anchor of type `client_attester`: the platform that launched an agent and vouches for its key. */
export interface Attester {
  id: string;
  issuer: string;
  jwks: JSONWebKeySet;
}

export interface AttestationRules {
  attesters: Attester[];
  /** Admit's issuer: the PoP's `aud`. */
  audience: string;
  nowS: number;
  skewS: number;
  /** How old a PoP's `iat` may be, in seconds. Default 60. */
  popMaxAgeS?: number;
  /** Claims a PoP's `jti` once; false if it was used before (kept until the PoP could no longer be accepted). */
  claimJti(clientId: string, jti: string, untilS: number): Promise<boolean>;
}

export interface VerifiedAttestation {
  clientId: string;
  attester: Attester;
  /** RFC 7638 thumbprint of the bound key (`cnf.jwk`): `jkt` revocations apply to it. */
  jkt: string;
  /** Seconds since the epoch: no admission on this attestation may outlive it. */
  exp: number;
}

/**
 * OAuth attestation-based client authentication: the attester's signed `OAuth-Client-Attestation`
 * binds the agent's key (`cnf.jwk`) to its `client_id`, and the `OAuth-Client-Attestation-PoP`,
 * signed with that key, proves the agent holds it now: `aud` = Admit, a recent `iat`, a `jti` used once.
 */
export async function verifyClientAttestation(attestation: string, pop: string | undefined, rules: AttestationRules): Promise<VerifiedAttestation> {
  const claims = readJwt(attestation, ATTESTATION_TYPE, Code.AttestationInvalid, 'client attestation');
  const attester = rules.attesters.find((a) => a.issuer === claims.iss);
  if (!attester) throw new WorkloadError(Code.AttesterUnknown, `no trusted attester is ${JSON.stringify(String(claims.iss).slice(0, 256))}`);
  const cnf = claims.cnf as { jwk?: JWK } | undefined;
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || typeof claims.exp !== 'number' || typeof cnf?.jwk !== 'object' || cnf.jwk === null || 'd' in cnf.jwk) {
    throw new WorkloadError(Code.AttestationInvalid, 'the client attestation needs sub, exp and cnf.jwk (a public key)');
  }
  if (claims.exp <= rules.nowS - rules.skewS) throw new WorkloadError(Code.AttestationExpired, `the client attestation expired at ${new Date(claims.exp * 1000).toISOString()}`);
  try {
    await jwtVerify(attestation, createLocalJWKSet(attester.jwks), { algorithms: ALGORITHMS, currentDate: new Date(rules.nowS * 1000), clockTolerance: rules.skewS });
  } catch {
    throw new WorkloadError(Code.AttestationSignature, `the client attestation does not verify with attester ${attester.id}'s keys`);
  }
  const clientId = claims.sub;
  if (pop === undefined) throw new WorkloadError(Code.PopMissing, 'a client attestation needs its proof of possession (OAuth-Client-Attestation-PoP)');
  const popClaims = readJwt(pop, POP_TYPE, Code.PopInvalid, 'client attestation PoP');
  if (typeof popClaims.jti !== 'string' || popClaims.jti.length === 0 || typeof popClaims.iat !== 'number') throw new WorkloadError(Code.PopInvalid, 'the PoP needs jti and iat');
  if (popClaims.iss !== undefined && popClaims.iss !== clientId) throw new WorkloadError(Code.PopInvalid, 'the PoP is issued by another client than the attestation names');
  try {
    await jwtVerify(pop, await importJWK(cnf.jwk, decodeProtectedHeader(pop).alg), { algorithms: ALGORITHMS, currentDate: new Date(rules.nowS * 1000), clockTolerance: rules.skewS });
  } catch {
    throw new WorkloadError(Code.PopSignature, 'the PoP is not signed by the key the attestation binds (cnf.jwk)');
  }
  const audiences = Array.isArray(popClaims.aud) ? popClaims.aud : [popClaims.aud];
  if (!audiences.includes(rules.audience)) throw new WorkloadError(Code.PopAudience, `the PoP is not for ${rules.audience}`);
  const maxAge = rules.popMaxAgeS ?? 60;
  if (popClaims.iat < rules.nowS - maxAge - rules.skewS || popClaims.iat > rules.nowS + rules.skewS) throw new WorkloadError(Code.PopStale, `the PoP's iat is outside the last ${maxAge} s`);
  if (!(await rules.claimJti(clientId, popClaims.jti, popClaims.iat + maxAge + 2 * rules.skewS))) throw new WorkloadError(Code.PopReplayed, 'this PoP jti was already used');
  return { clientId, attester, jkt: await calculateJwkThumbprint(cnf.jwk), exp: claims.exp };
}

function readJwt(jwt: string, typ: string, code: Code, what: string): Record<string, unknown> {
  try {
    const header = decodeProtectedHeader(jwt);
    if (header.typ !== typ) throw new Error('typ');
    return decodeJwt(jwt) as Record<string, unknown>;
  } catch {
    throw new WorkloadError(code, `the ${what} is not a compact JWS of type ${typ}`);
  }
}
