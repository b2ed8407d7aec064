import { Admission, ClientMetadata, DecisionReason, Problem } from '@admit/contracts';
import { ClientAssertion, cedarRequest, Sensitivity } from './cedar-request';
import { denyReasons, policyReasons } from './policy-reasons';
import type { PolicySet } from './policy-set';

export interface AccessRequest {
  client_id: string;
  /** The client's current admission (from its allow decision). */
  admission: Admission;
  /** The registered metadata, when the caller has it: grant types, scopes and redirect hosts come from it. */
  metadata?: ClientMetadata;
  /** The caller's name for what the client wants to do, e.g. a tool name. */
  action: string;
  /** What it acts on; defaults to the action's name. */
  resource?: string;
  context?: { sensitivity?: Sensitivity; client_assertion?: ClientAssertion };
  now?: Date;
}

export interface AccessDecision {
  decision: 'allow' | 'deny';
  policy_version: string;
  determining_policies: string[];
  reasons: Problem[];
  /**
   * True when only freshness bounds (`@revalidate` forbids) denied: admit the client again through
   * the pipeline, then ask again with the new admission.
   */
  revalidate: boolean;
  admission_age_s: number;
}

/** Actions Admit itself names; a caller's access action must not pose as one of them. */
const RESERVED = new Set(['register', 'access']);

/** An access check on an admitted client, under `policies`: the same Cedar set the registration was decided with. */
export function decideAccess(policies: PolicySet, input: AccessRequest): AccessDecision {
  const now = input.now ?? new Date();
  const admissionAgeS = Math.max(0, Math.floor((now.getTime() - Date.parse(input.admission.validated_at)) / 1000));
  const base = { policy_version: policies.version, admission_age_s: admissionAgeS };
  if (RESERVED.has(input.action)) {
    return { ...base, decision: 'deny', determining_policies: [], revalidate: false, reasons: [{ code: DecisionReason.ActionReserved, description: `"${input.action}" is not an access action` }] };
  }
  const request = cedarRequest(
    { ...input.admission, client_id: input.client_id, metadata: input.metadata },
    {
      action: input.action,
      resource: { type: 'Admit::Resource', id: input.resource ?? input.action },
      now,
      sensitivity: input.context?.sensitivity ?? 'normal',
      client_assertion: input.context?.client_assertion ?? 'absent',
    },
    // Only what the policies that can apply to an access action read: a smaller request is a faster Cedar call.
    policies.accessReads,
  );
  const result = policies.isAuthorized(request);
  if (result.decision === 'allow') {
    return { ...base, decision: 'allow', determining_policies: result.determining, reasons: policyReasons(policies, result.determining, 'permitted'), revalidate: false };
  }
  const explain = () => policyReasons(policies, result.advice.filter((p) => p.explainsDeny).map((p) => p.id), 'forbidden');
  const revalidate = result.determining.length > 0 && result.determining.every((id) => policies.policy(id)?.revalidate === true);
  return { ...base, decision: 'deny', determining_policies: result.determining, reasons: denyReasons(policies, result, explain, 'access'), revalidate };
}
