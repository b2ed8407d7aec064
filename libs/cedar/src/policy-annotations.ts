import { PolicyLoadError } from './policy-error';

/** What Admit reads from one policy: its id, effect and the annotations it gives meaning to. */
export interface PolicyInfo {
  id: string;
  file: string;
  effect: 'permit' | 'forbid';
  /** `@reason("…")`: the human-readable reason a decision this policy determined carries. */
  reason?: string;
  /** `@admission_ttl_s("900")` on a permit: the longest admission it grants. */
  admissionTtlS?: number;
  /** `@revalidate` on a forbid: a freshness bound; the caller admits the client again and asks again. */
  revalidate: boolean;
  /** `@flag("…")`: advisory; never decides, names a finding on an allowed registration. */
  flag?: string;
  /** `@explains_deny`: advisory; never decides, gives its reason to a deny no policy determined. */
  explainsDeny: boolean;
}

/** Reason descriptions and flags are bounded by the decided event's contract. */
const MAX_REASON = 2048;
const FLAG = /^[a-z0-9_]{1,128}$/;
const TTL = /^[1-9][0-9]{0,8}$/;

/** Reads and checks the annotations Admit gives meaning to; other annotations are left alone. */
export function policyInfo(id: string, file: string, effect: 'permit' | 'forbid', annotations: Record<string, string | null>): PolicyInfo {
  const fail = (message: string) => new PolicyLoadError(`${file}: policy ${id}: ${message}`);
  const has = (name: string) => Object.prototype.hasOwnProperty.call(annotations, name);
  const value = (name: string): string | undefined => {
    if (!has(name)) return undefined;
    const v = annotations[name];
    if (v === null || v === '') throw fail(`@${name} needs a value`);
    return v;
  };
  const info: PolicyInfo = { id, file, effect, revalidate: has('revalidate'), explainsDeny: has('explains_deny') };
  info.reason = value('reason');
  if (info.reason !== undefined && info.reason.length > MAX_REASON) throw fail(`@reason is longer than ${MAX_REASON} characters`);
  const ttl = value('admission_ttl_s');
  if (ttl !== undefined) {
    if (!TTL.test(ttl)) throw fail(`@admission_ttl_s must be a positive whole number of seconds, not ${JSON.stringify(ttl)}`);
    if (effect !== 'permit') throw fail('@admission_ttl_s belongs on a permit');
    info.admissionTtlS = Number(ttl);
  }
  info.flag = value('flag');
  if (info.flag !== undefined && !FLAG.test(info.flag)) throw fail(`@flag must match ${FLAG.source}`);
  if (info.revalidate && effect !== 'forbid') throw fail('@revalidate belongs on a forbid');
  const advisory = info.flag !== undefined || info.explainsDeny;
  // Advisory policies are evaluated as a set of their own, where a match is a permit.
  if (advisory && effect !== 'permit') throw fail('@flag and @explains_deny policies are written as permit (read: "applies to")');
  if (advisory && (info.admissionTtlS !== undefined || info.revalidate)) throw fail('an advisory policy (@flag, @explains_deny) never decides, so it takes no @admission_ttl_s or @revalidate');
  if (info.flag !== undefined && info.explainsDeny) throw fail('a policy is either a @flag or @explains_deny, not both');
  return info;
}

export function isAdvisory(info: PolicyInfo): boolean {
  return info.flag !== undefined || info.explainsDeny;
}
