/**
 * The only JWS algorithms an anchor may allow: asymmetric signatures. HS* is excluded because a
 * verifier holding a public key could be tricked into using it as an HMAC secret; `none` is unsigned.
 */
export const ANCHOR_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
  'Ed25519',
] as const;
export type AnchorAlgorithm = (typeof ANCHOR_ALGORITHMS)[number];

const allowed = new Set<string>(ANCHOR_ALGORITHMS);

export function isAnchorAlgorithm(alg: string): alg is AnchorAlgorithm {
  return allowed.has(alg);
}
