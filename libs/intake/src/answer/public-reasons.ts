import { Problem } from '@admit/contracts';
import { fetchErrorSummary } from '@admit/metadata';

/**
 * The reasons as a caller is told them: every code as it is, so callers can act on it, but
 * descriptions that carry nothing a caller should learn. A revocation's reason is the operator's
 * note (an incident, a person's name), and a fetch error names the addresses a host resolved to.
 * The decided and access-checked events keep the full descriptions: the audit trail has them.
 */
export function publicReasons(reasons: readonly Problem[]): Problem[] {
  return reasons.map(publicReason);
}

export function publicReason(reason: Problem): Problem {
  if (reason.code.startsWith('revoked:')) {
    return { ...reason, description: `${reason.code}: the client is revoked; the reason is in the audit trail` };
  }
  // The code leads the description, so a registering caller, whose answer has only the RFC 7591 error, gets it too.
  const summary = fetchErrorSummary(reason.code);
  return summary === undefined ? reason : { ...reason, description: `${reason.code}: ${summary}` };
}
