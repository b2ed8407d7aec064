import { orUndefined } from '@admit/contracts';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { createHash } from 'node:crypto';
import { FederationError, FederationErrorCode as Code } from './federation-error';
import type { Constraints } from './constraints';
import type { MetadataPolicy } from './metadata-policy';

/** Entity metadata by entity type (`openid_relying_party`, `oauth_client`, `federation_entity`, …). */
export type EntityMetadata = Record<string, Record<string, unknown>>;

/** An entity configuration (iss = sub, self-signed) or a subordinate statement (signed by the superior). */
export interface EntityStatement {
  jwt: string;
  /** Hex SHA-256 of the statement exactly as fetched: the evidence names statements by it. */
  sha256: string;
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jwks: JSONWebKeySet;
  authority_hints?: string[];
  metadata?: EntityMetadata;
  metadata_policy?: Record<string, MetadataPolicy>;
  metadata_policy_crit?: string[];
  constraints?: Constraints;
  trust_marks?: { trust_mark_type: string; trust_mark: string }[];
  trust_mark_issuers?: Record<string, string[]>;
}

export const STATEMENT_TYPE = 'entity-statement+jwt';
/** Asymmetric algorithms only. */
export const FEDERATION_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'priv'];

/**
 * Reads an entity statement without verifying it: the JWS shape, the `typ`, the claims every
 * statement needs, and what Admit can process. `expected` names the statement's subject (and issuer):
 * a statement about anyone else is refused before it is used for anything.
 */
export function readStatement(jwt: string, expected: { iss: string; sub: string }): EntityStatement {
  const what = describe(expected);
  const malformed = (why: string) => new FederationError(Code.Malformed, `${what} ${why}`);
  const header = orUndefined(() => decodeProtectedHeader(jwt) as Record<string, unknown>);
  const claims = orUndefined(() => decodeJwt(jwt));
  if (!header || !claims) throw malformed('is not a compact JWS with a JSON header and claims');
  if (header.typ !== STATEMENT_TYPE) throw malformed(`has typ ${JSON.stringify(header.typ)}, not ${STATEMENT_TYPE}`);
  if (claims.iss !== expected.iss || claims.sub !== expected.sub) throw malformed(`names iss ${JSON.stringify(claims.iss)} and sub ${JSON.stringify(claims.sub)}`);
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') throw malformed('lacks a numeric iat or exp');
  // Times are recorded as dates in the evidence: a time no date can hold is refused, not a crash later.
  if (!isRecordableTime(claims.iat) || !isRecordableTime(claims.exp)) throw malformed(`has an iat or exp that is not a whole number of seconds between 1970 and the year 9999`);
  if (!isPublicJwks(claims.jwks)) throw malformed('has no jwks of public keys');
  if (claims.crit !== undefined) {
    const names = Array.isArray(claims.crit) ? claims.crit.map(String) : ['(not an array)'];
    throw new FederationError(Code.Crit, `${what} lists claims Admit does not understand in crit: ${names.join(', ').slice(0, 256)}`);
  }
  const hints = claims.authority_hints;
  if (hints !== undefined && !(Array.isArray(hints) && hints.every((h) => typeof h === 'string'))) throw malformed('has authority_hints that are not a list of entity identifiers');
  for (const name of ['metadata', 'metadata_policy', 'constraints', 'trust_mark_issuers'] as const) {
    if (claims[name] !== undefined && !isObject(claims[name])) throw malformed(`has a ${name} that is not an object`);
  }
  const crit = claims.metadata_policy_crit;
  if (crit !== undefined && !(Array.isArray(crit) && crit.every((c) => typeof c === 'string'))) throw malformed('has a metadata_policy_crit that is not a list of operator names');
  const marks = claims.trust_marks;
  if (marks !== undefined && !(Array.isArray(marks) && marks.every((m) => isObject(m) && typeof m.trust_mark_type === 'string' && typeof m.trust_mark === 'string'))) {
    throw malformed('has trust_marks that are not a list of {trust_mark_type, trust_mark}');
  }
  return { ...(claims as unknown as EntityStatement), jwt, sha256: createHash('sha256').update(jwt).digest('hex') };
}

/** Verifies `statement` with `jwks`; a failure is `code` (a signature, or a key the superior never published). */
export async function verifyStatement(statement: EntityStatement, jwks: JSONWebKeySet, code: typeof Code.Signature | typeof Code.KeyMismatch, by: string): Promise<void> {
  try {
    await compactVerify(statement.jwt, createLocalJWKSet(jwks), { algorithms: FEDERATION_ALGORITHMS });
  } catch {
    throw new FederationError(code, `${describe(statement)} does not verify with the keys ${by} published`);
  }
}

/** `iat` not in the future and `exp` not past, each with `skewS` of tolerance. */
export function checkTimes(statement: EntityStatement, nowS: number, skewS: number): void {
  if (statement.exp <= nowS - skewS) throw new FederationError(Code.Expired, `${describe(statement)} expired at ${new Date(statement.exp * 1000).toISOString()}`);
  if (statement.iat > nowS + skewS) throw new FederationError(Code.Expired, `${describe(statement)} is issued in the future`);
}

/** 9999-12-31T23:59:59Z: the last second an ISO 8601 date-time of four-digit years can hold. */
export const MAX_TIME_S = 253_402_300_799;

function isRecordableTime(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_TIME_S;
}

export function describe(statement: { iss: string; sub: string }): string {
  return statement.iss === statement.sub ? `the entity configuration of ${statement.sub}` : `${statement.iss}'s statement about ${statement.sub}`;
}

function isPublicJwks(value: unknown): value is JSONWebKeySet {
  return isObject(value) && Array.isArray(value.keys) && value.keys.length > 0 && value.keys.every((k) => isObject(k) && typeof k.kty === 'string' && !PRIVATE_MEMBERS.some((m) => m in k));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
