import type { JWK } from 'jose';
import { KeysError, KeysErrorCode } from './keys-error';

/**
 * The algorithms Admit signs with: asymmetric only, so a verifier never holds anything that can
 * sign. RSA needs its `alg` spelled out, since RS256 and PS256 keys look the same.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const MIN_RSA_BITS = 2048;

/** The algorithm `jwk` signs with, or a KeysError saying why it cannot sign at all. */
export function signingAlgorithmOf(jwk: JWK, label: string): SigningAlgorithm {
  const refuse = (message: string): never => {
    throw new KeysError(KeysErrorCode.UnsupportedAlgorithm, `${label}: ${message}; supported: ${SIGNING_ALGORITHMS.join(', ')}`);
  };
  const alg = jwk.alg;
  if (alg !== undefined && !(SIGNING_ALGORITHMS as readonly unknown[]).includes(alg)) refuse(`alg ${JSON.stringify(alg)} is not supported`);
  switch (jwk.kty) {
    case 'EC':
      if (jwk.crv !== 'P-256') refuse(`EC curve ${JSON.stringify(jwk.crv)} is not supported (only P-256, for ES256)`);
      if (alg !== undefined && alg !== 'ES256') refuse(`alg ${alg} does not fit an EC P-256 key`);
      return 'ES256';
    case 'OKP':
      if (jwk.crv !== 'Ed25519') refuse(`OKP curve ${JSON.stringify(jwk.crv)} is not supported (only Ed25519, for EdDSA)`);
      if (alg !== undefined && alg !== 'EdDSA') refuse(`alg ${alg} does not fit an Ed25519 key`);
      return 'EdDSA';
    case 'RSA': {
      if (alg !== 'RS256' && alg !== 'PS256') return refuse('an RSA key must name its alg, RS256 or PS256');
      const bits = rsaModulusBits(jwk.n);
      if (bits < MIN_RSA_BITS) {
        throw new KeysError(KeysErrorCode.WeakKey, `${label}: RSA modulus has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
      }
      return alg === 'PS256' ? 'PS256' : 'RS256';
    }
    default:
      return refuse(`kty ${JSON.stringify(jwk.kty)} is not supported`);
  }
}

/** Bits in a base64url big-endian modulus, not counting leading zeros; 0 when it is missing. */
function rsaModulusBits(n: unknown): number {
  if (typeof n !== 'string') return 0;
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]));
}
