import { AccessDecision } from '@admit/cedar';
import { CachedAdmission } from './admission-cache';

/** What else a decision depends on besides the admission and the second. */
export interface DecisionKey {
  policyVersion: string;
  action: string;
  resource?: string;
  sensitivity?: string;
  clientAssertion: 'verified' | 'absent';
}

/** At most this many decisions per admission and second; past it, the admission's entries start over. */
const MAX_PER_ADMISSION = 256;

/**
 * Access decisions already made this second, so a check that repeats one skips Cedar. An entry
 * belongs to one admission object: a renewal or a new decision replaces the object, so what was
 * decided on the old one is unreachable at once. Its key holds the policy version, the action, the
 * resource, the sensitivity and whether a client assertion was verified. Cedar sees time in whole
 * seconds, so every decision is made with `now` at the start of its second, and the cache starts
 * over each second: a cached decision is exactly the one Cedar would make. Revocations and client
 * assertions are checked before the cache, on every check.
 */
export class DecisionCache {
  private byAdmission = new Map<CachedAdmission, Map<string, AccessDecision>>();
  private second = -1;

  constructor(private readonly clock: () => number = Date.now) {}

  decide(admission: CachedAdmission, key: DecisionKey, decide: (now: Date) => AccessDecision): AccessDecision {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.second) {
      this.byAdmission.clear();
      this.second = second;
    }
    let decisions = this.byAdmission.get(admission);
    if (!decisions) this.byAdmission.set(admission, (decisions = new Map()));
    // Action and resource are the caller's text: their lengths keep one key from reading as another.
    const text = `${key.policyVersion} ${key.clientAssertion} ${key.sensitivity ?? '-'} ${key.action.length}:${key.action} ${key.resource === undefined ? '-' : `${key.resource.length}:${key.resource}`}`;
    const known = decisions.get(text);
    // A copy: what a caller does with its decision (events, answers) never reaches the cached one.
    if (known) return copyOf(known);
    if (decisions.size >= MAX_PER_ADMISSION) decisions.clear();
    const decision = decide(new Date(second * 1000));
    decisions.set(text, copyOf(decision));
    return decision;
  }
}

function copyOf(decision: AccessDecision): AccessDecision {
  return { ...decision, determining_policies: [...decision.determining_policies], reasons: decision.reasons.map((reason) => ({ ...reason })) };
}
