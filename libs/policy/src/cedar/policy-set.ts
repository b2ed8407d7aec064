import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Policy ids end up in decided events, whose contract bounds them. */
const MAX_ID_LENGTH = 256;

export class PolicyLoadError extends Error {
  readonly code = 'ERR_POLICY_INVALID';
}

export interface Decision {
  decision: 'allow' | 'deny';
  /** Ids of the policies that determined the decision. */
  determining: string[];
  errors: string[];
}

export interface AuthorizationRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, cedar.CedarValueJson>;
  entities: cedar.EntityJson[];
}

/**
 * A Cedar policy set, parsed once. Its version is the content hash of the files it came from, so
 * the same policies always have the same version, on every instance.
 */
export class PolicySet {
  private constructor(
    readonly version: string,
    readonly policyIds: string[],
  ) {}

  /** Loads every `*.cedar` file in `dir`. Policy ids come from `@id("…")`, else `<file>#<n>`. */
  static load(dir: string): PolicySet {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cedar'))
      .sort();
    if (files.length === 0) throw new PolicyLoadError(`no *.cedar files in ${dir}`);
    const hash = createHash('sha256');
    const policies = new Map<string, string>();
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      hash.update(`${file}\0${text}\0`);
      const parts = cedar.policySetTextToParts(text);
      if (parts.type === 'failure') throw new PolicyLoadError(`${file}: ${messages(parts.errors)}`);
      parts.policies.forEach((policy, i) => {
        const id = annotatedId(policy) ?? `${file}#${i}`;
        if (id.length > MAX_ID_LENGTH) throw new PolicyLoadError(`${file}: policy id longer than ${MAX_ID_LENGTH} characters`);
        if (policies.has(id)) throw new PolicyLoadError(`${file}: duplicate policy id ${id}`);
        policies.set(id, policy);
      });
    }
    const version = `sha256:${hash.digest('hex')}`;
    const parsed = cedar.preparsePolicySet(version, { staticPolicies: Object.fromEntries(policies) });
    if (parsed.type === 'failure') throw new PolicyLoadError(messages(parsed.errors));
    return new PolicySet(version, [...policies.keys()]);
  }

  isAuthorized(request: AuthorizationRequest): Decision {
    const answer = cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: this.version });
    if (answer.type === 'failure') return { decision: 'deny', determining: [], errors: answer.errors.map((e) => e.message) };
    const { decision, diagnostics } = answer.response;
    return { decision, determining: diagnostics.reason, errors: diagnostics.errors.map((e) => e.error.message) };
  }
}

/** The `@id("…")` annotation, as Cedar itself parses it. */
function annotatedId(policy: string): string | undefined {
  const json = cedar.policyToJson(policy);
  return json.type === 'success' ? (json.json.annotations?.id ?? undefined) : undefined;
}

function messages(errors: cedar.DetailedError[]): string {
  return errors.map((e) => e.message).join('; ');
}
