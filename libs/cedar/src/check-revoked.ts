import { Problem, Revocation } from '@admit/contracts';

/** What knows the revocations in force: the RevocationSet fits. */
export interface Revocations<S> {
  match(subject: S): Revocation | undefined;
}

/**
 * The rule every decision starts with: revocation is checked before any policy, and overrides every
 * permit. The reason a revoked subject is denied with (`revoked:<kind>`), or undefined when no
 * revocation in force covers it.
 */
export function checkRevoked<S>(revocations: Revocations<S>, subject: S): Problem | undefined {
  const revocation = revocations.match(subject);
  return revocation && { code: `revoked:${revocation.kind}`, description: `revoked: ${revocation.reason}`.slice(0, 2048) };
}
