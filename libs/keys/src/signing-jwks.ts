import { parsedJson } from '@admit/contracts';
import type { JWK } from 'jose';
import { KeysError, KeysErrorCode } from './keys-error';
import { SigningAlgorithm, signingAlgorithmOf } from './signing-algorithms';

/** One checked key of a signing key set: its private JWK (kept in memory only) and its public part. */
export interface SigningJwk {
  kid: string;
  alg: SigningAlgorithm;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The members each key type publishes, and the ones it also needs to sign. Keys are built by copying
 * these, never by deleting private members, so no unforeseen member can reach the published set.
 */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};
const PRIVATE_MEMBERS: Record<string, readonly string[]> = {
  EC: ['d'],
  OKP: ['d'],
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
};

/**
 * Checks the text of a signing key file: a JSON JWK Set of private asymmetric keys, each with a
 * unique kid and a supported algorithm. The key material itself is checked when it is imported.
 * `source` starts every message, so an operator knows which file to fix.
 */
export function parseSigningJwks(text: string, source: string): SigningJwk[] {
  const notJwks = (message: string) => new KeysError(KeysErrorCode.NotJwks, `${source}: ${message}`);
  const input = parsedJson(text);
  // Without JSON.parse's message: it can quote the text, which is key material.
  if (input === undefined) throw notJwks('is not valid JSON');
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !Array.isArray((input as { keys?: unknown }).keys)) {
    throw notJwks('must be a JSON Web Key Set: an object with a "keys" array');
  }
  const keys: unknown[] = (input as { keys: unknown[] }).keys;
  if (keys.length === 0) throw notJwks('"keys" is empty; the first key signs, so at least one is needed');
  const seen = new Set<string>();
  return keys.map((key, index) => {
    const checked = checkKey(key, `${source}: keys[${index}]`);
    if (seen.has(checked.kid)) {
      throw new KeysError(KeysErrorCode.DuplicateKid, `${source}: kid ${JSON.stringify(checked.kid)} appears more than once`);
    }
    seen.add(checked.kid);
    return checked;
  });
}

function checkKey(key: unknown, where: string): SigningJwk {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new KeysError(KeysErrorCode.NotJwks, `${where} must be a JSON object`);
  const jwk = key as JWK;
  if (jwk.kty === 'oct') throw new KeysError(KeysErrorCode.SymmetricKey, `${where} is a symmetric (oct) key; only asymmetric keys may sign`);
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 256) {
    throw new KeysError(KeysErrorCode.MissingKid, `${where} has no kid; every key needs one, so verifiers can pick it`);
  }
  const label = `${where} (kid ${JSON.stringify(jwk.kid.slice(0, 64))})`;
  const alg = signingAlgorithmOf(jwk, label);
  if (typeof jwk.d !== 'string') {
    throw new KeysError(KeysErrorCode.PublicOnlyKey, `${label} is a public key; the file holds private keys (their public parts are published)`);
  }
  if ((jwk.use !== undefined && jwk.use !== 'sig') || (jwk.key_ops !== undefined && !jwk.key_ops.includes('sign'))) {
    throw new KeysError(KeysErrorCode.NotForSigning, `${label} is not meant for signing (use must be "sig", key_ops must include "sign")`);
  }
  // signingAlgorithmOf accepted only EC, OKP and RSA.
  const kty = jwk.kty as 'EC' | 'OKP' | 'RSA';
  const members = key as Record<string, unknown>;
  const publicJwk: Record<string, unknown> = { kid: jwk.kid, alg, use: 'sig' };
  for (const member of PUBLIC_MEMBERS[kty]) publicJwk[member] = members[member];
  const privateJwk: Record<string, unknown> = { ...publicJwk };
  for (const member of PRIVATE_MEMBERS[kty]) privateJwk[member] = members[member];
  return { kid: jwk.kid, alg, privateJwk: privateJwk as JWK, publicJwk: publicJwk as JWK };
}
