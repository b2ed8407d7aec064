import { nonPublicJwkMembers } from '@admit/metadata';

/** Key types that can verify an asymmetric JWS on the anchor allowlist. */
const PUBLIC_KTYS = new Set(['EC', 'RSA', 'OKP']);

/**
 * Why a JWK Set is unfit to verify statements, or null. Applied to inline anchor keys at start and
 * to every fetched anchor JWKS: a set that leaks private or symmetric keys is refused whole, since
 * the publisher has lost control of it. Messages name members and kids, never key values.
 */
export function publicJwksProblem(jwks: unknown): string | null {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    return 'must be a JSON object with a "keys" array';
  }
  const keys: unknown[] = (jwks as { keys: unknown[] }).keys;
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `keys[${index}] must be a JSON object`;
    const jwk = key as Record<string, unknown>;
    const label = typeof jwk.kid === 'string' ? `key ${JSON.stringify(jwk.kid.slice(0, 64))}` : `keys[${index}]`;
    if (typeof jwk.kty !== 'string' || !PUBLIC_KTYS.has(jwk.kty)) {
      return `${label} has kty ${JSON.stringify(jwk.kty)}; only EC, RSA and OKP public keys are accepted`;
    }
    const leaked = nonPublicJwkMembers(jwk);
    if (leaked.length > 0) return `${label} contains private or symmetric key material (${leaked.join(', ')})`;
    if (jwk.use !== undefined && jwk.use !== 'sig') return `${label} has use ${JSON.stringify(jwk.use)}; it must be "sig"`;
  }
  return null;
}
