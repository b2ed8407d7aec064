import { Problem, Revocation } from '@admit/contracts';

/**
 * The rule every decision starts with: revocation is checked before any policy, and overrides every
 * permit. The reason a revoked subject is denied with (`revoked:<kind>`), or undefined when no
 * revocation in force covers it. `revocations`: the RevocationSet.
 */
export function checkRevoked<S>(revocations: { match(subject: S): Revocation | undefined }, subject: S): Problem | undefined {
  const revocation = revocations.match(subject);
  return revocation && { code: `revoked:${revocation.kind}`, description: `revoked: ${revocation.reason}`.slice(0, 2048) };
}
