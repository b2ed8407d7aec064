import { Admission, EventData, Problem, RegistrationError, Topic } from '@admit/contracts';
import { cedarRequest } from './cedar-request';
import { evidenceSha256 } from './evidence-digest';
import { denyReasons, policyReasons } from './policy-reasons';
import type { PolicySet } from './policy-set';

type Validated = EventData<typeof Topic.RegistrationValidated>;
type Decided = EventData<typeof Topic.RegistrationDecided>;

/** The admission lifetime when no determining permit sets `@admission_ttl_s`. */
export const DEFAULT_ADMISSION_TTL_S = 900;

/**
 * The one decision on a validated registration, under `policies`. Failed validation is always a deny
 * with the validation's reasons; a policy never overrules it. An allow carries the admission: until
 * the earliest of the document's cache expiry, the statement's `exp`, the trust chain's earliest `exp`,
 * the JWT-SVID's `exp`, the client attestation's `exp` and the policy maximum.
 */
export function decideRegistration(policies: PolicySet, validated: Validated, now = new Date()): Decided {
  const base = { client_id: validated.client_id, policy_version: policies.version, decided_at: now.toISOString() };
  if (validated.outcome === 'invalid' || !validated.metadata) {
    const reasons = validated.errors.length > 0 ? validated.errors : [{ code: RegistrationError.InvalidClientMetadata, description: 'validation failed' }];
    return { ...base, decision: 'deny', determining_policies: [], reasons, error: reasons[0].error ?? reasons[0].code };
  }
  const request = cedarRequest(
    validated,
    { action: 'register', resource: { type: 'Admit::Registry', id: 'admit' }, now, sensitivity: 'normal', client_assertion: 'absent' },
    policies.registrationReads,
  );
  const result = policies.isAuthorized(request);
  if (result.decision === 'deny') {
    const explain = (): Problem[] => policyReasons(policies, result.advice.filter((p) => p.explainsDeny).map((p) => p.id), 'forbidden');
    return {
      ...base,
      decision: 'deny',
      determining_policies: result.determining,
      reasons: denyReasons(policies, result, explain, 'registration'),
      error: RegistrationError.InvalidClientMetadata,
    };
  }
  const flags = result.advice.flatMap((p) => (p.flag ? [p.flag] : [])).sort();
  return {
    ...base,
    decision: 'allow',
    determining_policies: result.determining,
    reasons: policyReasons(policies, result.determining, 'permitted'),
    metadata: validated.metadata,
    admission: admission(validated, admissionTtlS(policies, result.determining), [...new Set(flags)].slice(0, 64)),
  };
}

/** The policy maximum: the smallest `@admission_ttl_s` among the permits that allowed. */
function admissionTtlS(policies: PolicySet, permits: string[]): number {
  const ttls = permits.flatMap((id) => policies.policy(id)?.admissionTtlS ?? []);
  return ttls.length > 0 ? Math.min(...ttls) : DEFAULT_ADMISSION_TTL_S;
}

function admission(v: Validated, policyTtlS: number, flags: string[]): Admission {
  const start = Date.parse(v.validated_at);
  const ends = [start + policyTtlS * 1000];
  const { document, statement, federation, spiffe, client_attestation } = v.evidence;
  // A document is good until its cache entry expires, counted from when it was fetched.
  if (document) ends.push(Date.parse(document.fetched_at) + document.cache_ttl_s * 1000);
  if (statement?.exp) ends.push(Date.parse(statement.exp));
  // A federation admission never outlives its trust chain: the earliest exp of its statements.
  if (federation) ends.push(Date.parse(federation.expires_at));
  // A workload's admission never outlives the JWT-SVID it was admitted on.
  if (spiffe) ends.push(Date.parse(spiffe.exp));
  // An agent's admission never outlives the client attestation it was admitted on.
  if (client_attestation) ends.push(Date.parse(client_attestation.exp));
  const optional = Object.fromEntries((['anchor', 'software_id', 'origin', 'intermediates', 'trust_marks', 'trust_domain', 'spiffe_path', 'attester'] as const).flatMap((k) => (v[k] === undefined ? [] : [[k, v[k]]])));
  return {
    source: v.source,
    ...optional,
    jkts: v.jkts,
    evidence_sha256: evidenceSha256(v.evidence),
    validated_at: v.validated_at,
    expires_at: new Date(Math.max(start, Math.min(...ends))).toISOString(),
    flags,
  };
}
