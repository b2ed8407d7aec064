import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, type JSONWebKeySet, type JWK, jwtVerify, createLocalJWKSet } from 'jose';
import { nonPublicJwkMembers } from '@admit/metadata';
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

/** What verifying an attestation alone needs. */
export interface AttestationOnlyRules<A extends Attester = Attester> {
  attesters: readonly A[];
  nowS: number;
  skewS: number;
}

export interface AttestationRules<A extends Attester = Attester> extends AttestationOnlyRules<A> {
  /** Admit's issuer: the PoP's `aud`. */
  audience: string;
  /** How old a PoP's `iat` may be, in seconds. Default 60. */
  popMaxAgeS?: number;
  /** Claims a PoP's `jti` once; false if it was used before (kept until the PoP could no longer be accepted). */
  claimJti(clientId: string, jti: string, untilS: number): Promise<boolean>;
}

export interface VerifiedAttestation<A extends Attester = Attester> {
  clientId: string;
  attester: A;
  /** RFC 7638 thumbprint of the bound key (`cnf.jwk`): `jkt` revocations apply to it. */
  jkt: string;
  /** Seconds since the epoch: no admission on this attestation may outlive it. */
  exp: number;
}

/** What an attestation alone proves, before any PoP: the attester vouches for `cnf.jwk` as `clientId`'s key until `exp`. */
export interface VerifiedAttestationOnly<A extends Attester = Attester> extends VerifiedAttestation<A> {
  /** The bound public key (`cnf.jwk`): a PoP must verify with it. */
  key: JWK;
}

/**
 * The attester's signed `OAuth-Client-Attestation` alone: issued by a configured attester (`iss`),
 * signed with its keys, unexpired, naming the client (`sub`) and binding its public key (`cnf.jwk`).
 * It is no bearer credential: only a PoP signed with that key uses it (verifyClientAttestation).
 */
export async function verifyAttestation<A extends Attester>(attestation: string, rules: AttestationOnlyRules<A>): Promise<VerifiedAttestationOnly<A>> {
  const claims = readJwt(attestation, ATTESTATION_TYPE, Code.AttestationInvalid, 'client attestation');
  const attester = rules.attesters.find((a) => a.issuer === claims.iss);
  if (!attester) throw new WorkloadError(Code.AttesterUnknown, `no trusted attester is ${JSON.stringify(String(claims.iss).slice(0, 256))}`);
  const cnf = claims.cnf as { jwk?: JWK } | undefined;
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || typeof claims.exp !== 'number' || !isPublicKey(cnf?.jwk)) {
    throw new WorkloadError(Code.AttestationInvalid, 'the client attestation needs sub, exp and cnf.jwk (a public key)');
  }
  if (claims.exp <= rules.nowS - rules.skewS) throw new WorkloadError(Code.AttestationExpired, `the client attestation expired at ${new Date(claims.exp * 1000).toISOString()}`);
  try {
    await jwtVerify(attestation, createLocalJWKSet(attester.jwks), { algorithms: ALGORITHMS, currentDate: new Date(rules.nowS * 1000), clockTolerance: rules.skewS });
  } catch {
    throw new WorkloadError(Code.AttestationSignature, `the client attestation does not verify with attester ${attester.id}'s keys`);
  }
  return { clientId: claims.sub, attester, jkt: await calculateJwkThumbprint(cnf.jwk), exp: claims.exp, key: cnf.jwk };
}

/**
 * OAuth attestation-based client authentication: the attester's signed `OAuth-Client-Attestation`
 * binds the agent's key (`cnf.jwk`) to its `client_id`, and the `OAuth-Client-Attestation-PoP`,
 * signed with that key, proves the agent holds it now: `aud` = Admit, a recent `iat`, a `jti` used once.
 */
export async function verifyClientAttestation<A extends Attester>(attestation: string, pop: string | undefined, rules: AttestationRules<A>): Promise<VerifiedAttestationOnly<A>> {
  const verified = await verifyAttestation(attestation, rules);
  const { clientId, key } = verified;
  if (pop === undefined) throw new WorkloadError(Code.PopMissing, 'a client attestation needs its proof of possession (OAuth-Client-Attestation-PoP)');
  const popClaims = readJwt(pop, POP_TYPE, Code.PopInvalid, 'client attestation PoP');
  if (typeof popClaims.jti !== 'string' || popClaims.jti.length === 0 || popClaims.jti.length > 256 || typeof popClaims.iat !== 'number') throw new WorkloadError(Code.PopInvalid, 'the PoP needs jti (1 to 256 characters) and iat');
  if (popClaims.iss !== undefined && popClaims.iss !== clientId) throw new WorkloadError(Code.PopInvalid, 'the PoP is issued by another client than the attestation names');
  try {
    await jwtVerify(pop, await importJWK(key, decodeProtectedHeader(pop).alg), { algorithms: ALGORITHMS, currentDate: new Date(rules.nowS * 1000), clockTolerance: rules.skewS });
  } catch {
    throw new WorkloadError(Code.PopSignature, 'the PoP is not signed by the key the attestation binds (cnf.jwk)');
  }
  const audiences = Array.isArray(popClaims.aud) ? popClaims.aud : [popClaims.aud];
  if (!audiences.includes(rules.audience)) throw new WorkloadError(Code.PopAudience, `the PoP is not for ${rules.audience}`);
  const maxAge = rules.popMaxAgeS ?? 60;
  if (popClaims.iat < rules.nowS - maxAge - rules.skewS || popClaims.iat > rules.nowS + rules.skewS) throw new WorkloadError(Code.PopStale, `the PoP's iat is outside the last ${maxAge} s`);
  if (!(await rules.claimJti(clientId, popClaims.jti, popClaims.iat + maxAge + 2 * rules.skewS))) throw new WorkloadError(Code.PopReplayed, 'this PoP jti was already used');
  return verified;
}

/** An asymmetric public key: of a type that signs, with no private or symmetric member. */
function isPublicKey(jwk: unknown): jwk is JWK {
  return typeof jwk === 'object' && jwk !== null && ['EC', 'RSA', 'OKP'].includes(String((jwk as JWK).kty)) && nonPublicJwkMembers(jwk).length === 0;
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
