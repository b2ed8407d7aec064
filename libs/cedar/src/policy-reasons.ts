import { DecisionReason, Problem, policyCode } from '@admit/contracts';
import type { Decision } from './decision';
import type { PolicySet } from './policy-set';

/** The contract bounds a reason code to 128 characters and a list of reasons to 64. */
const MAX_CODE = 128;
const MAX_REASONS = 64;

/** One reason per determining policy: its `@reason`, else a sentence naming it; code = `policy:<id>`. */
export function policyReasons(set: PolicySet, ids: string[], verb: 'permitted' | 'forbidden'): Problem[] {
  return ids.slice(0, MAX_REASONS).map((id) => ({ code: clip(policyCode(id), MAX_CODE), description: set.policy(id)?.reason ?? clip(`${verb} by ${id}`, 2048) }));
}

/**
 * Why a request was denied: the forbids that determined it; else (Cedar's default deny, no permit)
 * the `@explains_deny` policies that apply, or `ERR_NO_PERMIT`. Evaluation errors are reasons too.
 */
export function denyReasons(set: PolicySet, result: Decision, explain: () => Problem[], what: string): Problem[] {
  const errors = result.errors.slice(0, 8).map((message) => ({ code: DecisionReason.PolicyEvaluation, description: clip(message, 2048) }));
  const reasons = result.determining.length > 0 ? policyReasons(set, result.determining, 'forbidden') : explain();
  const all = [...reasons, ...errors].slice(0, MAX_REASONS);
  return all.length > 0 ? all : [{ code: DecisionReason.NoPermit, description: `no policy permits this ${what}` }];
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
