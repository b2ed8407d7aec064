import { calculateJwkThumbprint, JWK } from 'jose';

/** Key types whose RFC 7638 members are all public. `oct` is left out: its thumbprint hashes a secret. */
const PUBLIC_KEY_TYPES = new Set(['EC', 'RSA', 'OKP', 'AKP']);

/**
 * RFC 7638 SHA-256 thumbprints (`jkt`) of the public keys in a JWKS, sorted and deduplicated, for
 * evidence and for revocation by key. Entries that are not usable public keys are skipped, not
 * reported: judging a key set is checkClientMetadata's job, and a thumbprint list only says which
 * keys a client could authenticate with.
 */
export async function keyThumbprints(jwks: unknown): Promise<string[]> {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) return [];
  const thumbprints = new Set<string>();
  for (const key of (jwks as { keys: unknown[] }).keys) {
    if (typeof key !== 'object' || key === null || !PUBLIC_KEY_TYPES.has((key as JWK).kty ?? '')) continue;
    try {
      thumbprints.add(await calculateJwkThumbprint(key as JWK, 'sha256'));
    } catch {
      // A required member is missing or not a string (no `x`, a number for `n`): not a usable key.
    }
  }
  return [...thumbprints].sort();
}
