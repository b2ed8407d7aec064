import { cedar } from './cedar-wasm';
import { EventData, PolicySetPublished, Topic } from '@admit/contracts';
import { AccessDecision, AccessRequest, decideAccess } from './decide-access';
import { decideRegistration } from './decide-registration';
import { isAdvisory, PolicyInfo, policyInfo } from './policy-annotations';
import { PolicyLoadError } from './policy-error';
import { PolicyFiles, policyVersion, readPolicyDir, SCHEMA_FILE } from './policy-files';

/** Policy ids end up in decided events, whose contract bounds them. */
const MAX_ID_LENGTH = 256;

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

export interface AuthorizationRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, cedar.CedarValueJson>;
  entities: cedar.EntityJson[];
}

/**
 * A Cedar policy set, validated against its schema and preparsed once per version. The version is
 * the content hash of the schema and files, so the same policies always have the same version, on
 * every instance; it is also the id of the preparsed set inside Cedar.
 */
export class PolicySet {
  /** Loading a version again returns the set already preparsed: cheap, and never re-parsed. */
  private static readonly byVersion = new Map<string, PolicySet>();

  private constructor(
    readonly version: string,
    readonly files: PolicyFiles,
    private readonly infos: Map<string, PolicyInfo>,
  ) {}

  /** Loads `admit.cedarschema` and every `*.cedar` file at the top of `dir`. */
  static load(dir: string): PolicySet {
    return PolicySet.fromFiles(readPolicyDir(dir));
  }

  /** The set an `admit.policies.v1` event carries; refuses one whose content does not hash to its version. */
  static fromPublished(published: PolicySetPublished): PolicySet {
    const set = PolicySet.fromFiles({ schema: published.schema, files: published.files });
    if (set.version !== published.version) throw new PolicyLoadError(`published version ${published.version} does not match its content (${set.version})`);
    return set;
  }

  /**
   * Parses every file, reads ids (`@id("…")`, else `<file>#<n>`) and Admit's annotations, validates
   * the whole set against the schema (strict mode), then preparses it. Throws PolicyLoadError with
   * Cedar's own message.
   */
  static fromFiles(files: PolicyFiles): PolicySet {
    const version = policyVersion(files);
    const known = PolicySet.byVersion.get(version);
    if (known) return known;
    const schema = cedar.checkParseSchema(files.schema);
    if (schema.type === 'failure') throw new PolicyLoadError(`${SCHEMA_FILE}: ${messages(schema.errors)}`);
    const texts = new Map<string, string>();
    const infos = new Map<string, PolicyInfo>();
    for (const { name, text } of files.files) {
      const parts = cedar.policySetTextToParts(text);
      if (parts.type === 'failure') throw new PolicyLoadError(`${name}: ${messages(parts.errors)}`);
      if (parts.policy_templates.length > 0) throw new PolicyLoadError(`${name}: templates are not supported`);
      parts.policies.forEach((policy, i) => {
        const json = cedar.policyToJson(policy);
        if (json.type === 'failure') throw new PolicyLoadError(`${name}: ${messages(json.errors)}`);
        const annotations = json.json.annotations ?? {};
        const id = annotations.id ?? `${name}#${i}`;
        if (id.length > MAX_ID_LENGTH) throw new PolicyLoadError(`${name}: policy id longer than ${MAX_ID_LENGTH} characters`);
        if (texts.has(id)) throw new PolicyLoadError(`${name}: duplicate policy id ${id}`);
        texts.set(id, policy);
        infos.set(id, policyInfo(id, name, json.json.effect, annotations));
      });
    }
    const all = Object.fromEntries(texts);
    const validated = cedar.validate({ schema: files.schema, policies: { staticPolicies: all }, validationSettings: { mode: 'strict' } });
    if (validated.type === 'failure') throw new PolicyLoadError(messages(validated.errors));
    if (validated.validationErrors.length > 0) {
      throw new PolicyLoadError(validated.validationErrors.map((e) => `${infos.get(e.policyId)?.file ?? '?'}: ${detail(e.error)}`).join('; '));
    }
    const parsed = cedar.preparsePolicySet(version, { staticPolicies: all });
    if (parsed.type === 'failure') throw new PolicyLoadError(messages(parsed.errors));
    const set = new PolicySet(version, files, infos);
    PolicySet.byVersion.set(version, set);
    return set;
  }

  /** The event that publishes this set on `admit.policies.v1`. */
  toPublished(now = new Date()): PolicySetPublished {
    return { version: this.version, schema: this.files.schema, files: this.files.files, published_at: now.toISOString() };
  }

  /** Every policy id, advisory ones included, in file order. */
  get policyIds(): string[] {
    return [...this.infos.keys()];
  }

  policy(id: string): PolicyInfo | undefined {
    return this.infos.get(id);
  }

  /** The decided event's data for a validated registration; see decideRegistration(). */
  decideRegistration(validated: EventData<typeof Topic.RegistrationValidated>, now?: Date): EventData<typeof Topic.RegistrationDecided> {
    return decideRegistration(this, validated, now);
  }

  /** An access check on an admitted client; see decideAccess(). */
  decideAccess(request: AccessRequest): AccessDecision {
    return decideAccess(this, request);
  }

  /**
   * Cedar's decision under the deciding policies, with the advisory ones that apply, in one Cedar
   * call over the whole set. Advisory policies are permits that never decide: Cedar's allow names
   * every permit that holds, so an allow that only advisory permits hold is the deny Cedar would
   * give without them, and a forbid denies the same with or without them.
   */
  isAuthorized(request: AuthorizationRequest): Decision {
    const answer = cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: this.version });
    if (answer.type === 'failure') return { decision: 'deny', determining: [], errors: answer.errors.map((e) => e.message), advice: [] };
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.filter((e) => !this.isAdvisory(e.policyId)).map((e) => `${e.policyId}: ${e.error.message}`);
    if (decision === 'deny') return { decision, determining: diagnostics.reason, errors, advice: [] };
    const advice = diagnostics.reason.filter((id) => this.isAdvisory(id)).map((id) => this.infos.get(id) as PolicyInfo);
    const determining = diagnostics.reason.filter((id) => !this.isAdvisory(id));
    return { decision: determining.length > 0 ? 'allow' : 'deny', determining, errors, advice };
  }

  private isAdvisory(id: string): boolean {
    const info = this.infos.get(id);
    return info !== undefined && isAdvisory(info);
  }
}

function detail(e: cedar.DetailedError): string {
  return e.help ? `${e.message} (${e.help})` : e.message;
}

function messages(errors: cedar.DetailedError[]): string {
  return errors.map(detail).join('; ');
}
