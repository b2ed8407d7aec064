/** Members any JWK may carry, whatever its type (RFC 7517 §4); none of them is key material. */
const COMMON_JWK_MEMBERS = ['kty', 'use', 'key_ops', 'alg', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'ext'];

/**
 * The public members of each asymmetric key type (RFC 7518 §6.2.1 and §6.3.1, RFC 8037 §2, and the
 * AKP type of ML-DSA keys). An allowlist, so a private member Admit has never heard of, such as
 * `priv` of an AKP key, is refused like `d`; a symmetric `oct` key has no public member at all.
 */
const PUBLIC_JWK_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'x', 'y'],
  RSA: ['n', 'e'],
  OKP: ['crv', 'x'],
  AKP: ['pub'],
};

/**
 * The members of a JWK that are not public members of its key type: private or symmetric key
 * material, or members no public key of that type carries. None for a public key.
 */
export function nonPublicJwkMembers(key: unknown): string[] {
  if (typeof key !== 'object' || key === null) return [];
  const kty = (key as { kty?: unknown }).kty;
  const own = typeof kty === 'string' && Object.prototype.hasOwnProperty.call(PUBLIC_JWK_MEMBERS, kty) ? PUBLIC_JWK_MEMBERS[kty] : [];
  return Object.keys(key).filter((member) => !COMMON_JWK_MEMBERS.includes(member) && !own.includes(member));
}

/** Auth methods that need a secret Admit would have to issue and keep, which a stateless registry cannot. */
export function isSecretAuthMethod(method: unknown): method is string {
  return typeof method === 'string' && method.startsWith('client_secret_');
}
