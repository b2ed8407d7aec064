import { cedar } from './cedar-wasm';
import { PolicySetPublished } from '@admit/contracts';
import type { AuthorizationRequest, Decision } from './decision';
import { isAdvisory, PolicyInfo, policyInfo } from './policy-annotations';
import { PolicyLoadError } from './policy-error';
import { PolicyFiles, policyVersion, readPolicyDir, SCHEMA_FILE } from './policy-files';

/** Policy ids end up in decided events, whose contract bounds them. */
const MAX_ID_LENGTH = 256;

/** How many versions stay preparsed: the active one and the few loaded before it. */
export const PREPARSED_VERSIONS = 4;

/**
 * The two questions Admit asks Cedar: may a client register, and may an admitted client take an
 * access action (any other action).
 */
export type Question = 'register' | 'access';

const QUESTIONS: Question[] = ['register', 'access'];

/** The id of the preparsed Cedar set that answers `question` for a version. */
export function preparsedId(version: string, question: Question): string {
  return `${version}#${question}`;
}

/** The policies that can apply to one question, and the attribute names they read. */
interface Slice {
  policies: Map<string, string>;
  reads: Set<string>;
}

/**
 * A Cedar policy set, validated against its schema and preparsed once per version. The version is
 * the content hash of the schema and files, so the same policies always have the same version, on
 * every instance. Cedar holds it as two preparsed sets, one per question (`preparsedId`), each with
 * only the policies whose action scope lets them apply to it: a policy that cannot apply costs Cedar
 * a scope test on every call, and never changes a decision.
 */
export class PolicySet {
  /**
   * The sets preparsed in Cedar, least recently loaded first, at most PREPARSED_VERSIONS: loading one
   * of them again returns it, never re-parsed. A set pushed out is emptied inside Cedar (which keeps
   * preparsed sets until replaced), and preparsed again if it is asked to decide once more.
   */
  private static readonly byVersion = new Map<string, PolicySet>();

  private constructor(
    readonly version: string,
    readonly files: PolicyFiles,
    private readonly infos: Map<string, PolicyInfo>,
    private readonly slices: Record<Question, Slice>,
  ) {}

  /** The attribute names read by the policies that can apply to an access action (see `attributesRead`). */
  get accessReads(): ReadonlySet<string> {
    return this.slices.access.reads;
  }

  /** The same for `register`. */
  get registrationReads(): ReadonlySet<string> {
    return this.slices.register.reads;
  }

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
    if (known) return PolicySet.remember(known);
    const schema = cedar.checkParseSchema(files.schema);
    if (schema.type === 'failure') throw new PolicyLoadError(`${SCHEMA_FILE}: ${messages(schema.errors)}`);
    const texts = new Map<string, string>();
    const infos = new Map<string, PolicyInfo>();
    const slices: Record<Question, Slice> = { register: { policies: new Map(), reads: new Set() }, access: { policies: new Map(), reads: new Set() } };
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
        for (const question of QUESTIONS.filter((q) => mayApply(q, json.json.action))) {
          slices[question].policies.set(id, policy);
          attributesRead(json.json, slices[question].reads);
        }
      });
    }
    const all = Object.fromEntries(texts);
    const validated = cedar.validate({ schema: files.schema, policies: { staticPolicies: all }, validationSettings: { mode: 'strict' } });
    if (validated.type === 'failure') throw new PolicyLoadError(messages(validated.errors));
    if (validated.validationErrors.length > 0) {
      throw new PolicyLoadError(validated.validationErrors.map((e) => `${infos.get(e.policyId)?.file ?? '?'}: ${detail(e.error)}`).join('; '));
    }
    return new PolicySet(version, files, infos, slices).preparse();
  }

  /** Preparses the set in Cedar, one set per question, as one of the most recent. */
  private preparse(): this {
    for (const question of QUESTIONS) {
      const parsed = cedar.preparsePolicySet(preparsedId(this.version, question), { staticPolicies: Object.fromEntries(this.slices[question].policies) });
      if (parsed.type === 'failure') throw new PolicyLoadError(messages(parsed.errors));
    }
    return PolicySet.remember(this);
  }

  /** Makes `set` the most recent; empties the least recent beyond the bound. */
  private static remember<S extends PolicySet>(set: S): S {
    PolicySet.byVersion.delete(set.version);
    PolicySet.byVersion.set(set.version, set);
    for (const version of PolicySet.byVersion.keys()) {
      if (PolicySet.byVersion.size <= PREPARSED_VERSIONS) break;
      PolicySet.byVersion.delete(version);
      for (const question of QUESTIONS) cedar.preparsePolicySet(preparsedId(version, question), { staticPolicies: {} });
    }
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

  /**
   * Cedar's decision under the deciding policies, with the advisory ones that apply, in one Cedar
   * call over the set for the request's question (its action: `register`, or an access action).
   * Advisory policies are permits that never decide: Cedar's allow names every permit that holds, so
   * an allow that only advisory permits hold is the deny Cedar would give without them, and a forbid
   * denies the same with or without them.
   */
  isAuthorized(request: AuthorizationRequest): Decision {
    if (!PolicySet.byVersion.has(this.version)) this.preparse();
    const question = isRegister(request.action) ? 'register' : 'access';
    const answer = cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: preparsedId(this.version, question) });
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

/**
 * Adds to `names` every attribute name a policy reads (`x.name`, `x["name"]`, `x has name`, in
 * Cedar's JSON form). Cedar has no computed attribute names, so an attribute whose name no
 * applicable policy reads cannot change a decision, and a request may leave it out.
 */
function attributesRead(json: unknown, names: Set<string>): void {
  if (Array.isArray(json)) json.forEach((item) => attributesRead(item, names));
  else if (json && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if ((key === '.' || key === 'has') && typeof (value as { attr?: unknown }).attr === 'string') names.add((value as { attr: string }).attr);
      attributesRead(value, names);
    }
  }
}

const isRegister = (e: cedar.EntityUidJson) => 'type' in e && e.type === 'Admit::Action' && e.id === 'register';

/** The actions a policy's action scope names (`==` one, `in` one or a list); undefined when it applies to any action. */
function namedActions(scope: cedar.ActionConstraint): cedar.EntityUidJson[] | undefined {
  if (scope.op === '==') return 'entity' in scope ? [scope.entity] : undefined;
  if (scope.op === 'in') return 'entity' in scope ? [scope.entity] : scope.entities;
  return undefined;
}

/** Whether a policy with this action scope can apply to `question`. */
function mayApply(question: Question, scope: cedar.ActionConstraint): boolean {
  return question === 'register' ? !neverRegistration(scope) : !onlyRegistration(scope);
}

/** Whether a policy's action scope names only `register`: it never applies to an access action. */
function onlyRegistration(scope: cedar.ActionConstraint): boolean {
  const named = namedActions(scope);
  return named !== undefined && named.length > 0 && named.every(isRegister);
}

/**
 * Whether a policy's action scope leaves `register` out (it names other actions only): it never
 * applies to a registration, whose request gives `register` no parent groups.
 */
function neverRegistration(scope: cedar.ActionConstraint): boolean {
  const named = namedActions(scope);
  return named !== undefined && !named.some(isRegister);
}

function detail(e: cedar.DetailedError): string {
  return e.help ? `${e.message} (${e.help})` : e.message;
}

function messages(errors: cedar.DetailedError[]): string {
  return errors.map(detail).join('; ');
}
