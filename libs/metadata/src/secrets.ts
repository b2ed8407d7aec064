/** JWK members that only private or symmetric keys carry. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The private or symmetric members a JWK carries; none for a public key. */
export function privateJwkMembers(key: unknown): string[] {
  return typeof key === 'object' && key !== null ? PRIVATE_JWK_MEMBERS.filter((member) => member in key) : [];
}

/** Auth methods that need a secret Admit would have to issue and keep, which a stateless registry cannot. */
export function isSecretAuthMethod(method: unknown): method is string {
  return typeof method === 'string' && method.startsWith('client_secret_');
}
