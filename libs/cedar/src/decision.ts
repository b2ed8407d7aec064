import type { cedar } from './cedar-wasm';
import type { PolicyInfo } from './policy-annotations';

/** One question to Cedar: the shape `policies/admit.cedarschema` declares (see cedarRequest()). */
export interface AuthorizationRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, cedar.CedarValueJson>;
  entities: cedar.EntityJson[];
}

/** Cedar's answer under a policy set's deciding policies (see PolicySet.isAuthorized()). */
export interface Decision {
  decision: 'allow' | 'deny';
  /** Ids of the policies that determined the decision. */
  determining: string[];
  errors: string[];
  /**
   * The advisory policies (`@flag`, `@explains_deny`) that apply: on an allow, and on a deny no
   * forbid determined (Cedar's default deny). Empty on a deny a forbid determined.
   */
  advice: PolicyInfo[];
}
