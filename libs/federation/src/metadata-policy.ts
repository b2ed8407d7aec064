import { isDeepStrictEqual } from 'node:util';
import { FederationError, FederationErrorCode as Code } from './federation-error';

/** One entity type's policy: operators by metadata parameter, e.g. `{grant_types: {subset_of: [...]}}`. */
export type MetadataPolicy = Record<string, Record<string, unknown>>;

/** The operators of OpenID Federation 1.0 §6.1.3.1, in the order they are applied. */
export const POLICY_OPERATORS = ['value', 'add', 'default', 'one_of', 'subset_of', 'superset_of', 'essential'] as const;
type Operators = Partial<Record<(typeof POLICY_OPERATORS)[number], unknown>>;
const KNOWN = new Set<string>(POLICY_OPERATORS);

/** Refuses a chain whose `metadata_policy_crit` needs an operator Admit does not implement. */
export function checkPolicyCrit(crit: string[] | undefined, where: string): void {
  const unknown = (crit ?? []).filter((op) => !KNOWN.has(op));
  if (unknown.length > 0) throw new FederationError(Code.PolicyCrit, `${where} requires the metadata policy operators ${unknown.join(', ').slice(0, 256)}, which Admit does not support`);
}

/**
 * Merges the policies of a chain, the trust anchor's first (§6.1.4.1): `value` and `default` must
 * agree, `add` and `superset_of` are unions, `one_of` and `subset_of` intersections, `essential`
 * holds if any level says so. Operators Admit does not know are ignored (unless a level listed them
 * as critical, refused before this). Any disagreement is a conflict.
 */
export function mergePolicies(policies: MetadataPolicy[]): MetadataPolicy {
  const merged: MetadataPolicy = {};
  for (const policy of policies) {
    for (const [parameter, operators] of Object.entries(policy)) {
      if (!isOperators(operators)) throw conflict(parameter, 'its policy is not an object of operators');
      const into = (merged[parameter] ??= {}) as Operators;
      for (const [op, value] of Object.entries(operators)) {
        if (!KNOWN.has(op)) continue;
        const name = op as keyof Operators;
        if (!(name in into)) {
          into[name] = value;
          continue;
        }
        into[name] = mergeOperator(parameter, name, into[name], value);
      }
    }
  }
  for (const [parameter, operators] of Object.entries(merged)) checkCombination(parameter, operators as Operators);
  return merged;
}

function mergeOperator(parameter: string, op: keyof Operators, a: unknown, b: unknown): unknown {
  switch (op) {
    case 'value':
    case 'default':
      if (!isDeepStrictEqual(a, b)) throw conflict(parameter, `two levels set different ${op}s`);
      return a;
    case 'add':
    case 'superset_of':
      return union(list(parameter, op, a), list(parameter, op, b));
    case 'one_of':
    case 'subset_of': {
      const both = intersection(list(parameter, op, a), list(parameter, op, b));
      if (op === 'one_of' && both.length === 0) throw conflict(parameter, 'the levels\u2019 one_of lists have nothing in common');
      return both;
    }
    case 'essential':
      if (typeof a !== 'boolean' || typeof b !== 'boolean') throw conflict(parameter, 'essential is not a boolean');
      return a || b;
  }
}

/** Operators of one parameter that cannot hold together (§6.1.3.1's combination rules). */
function checkCombination(parameter: string, ops: Operators): void {
  const has = (op: keyof Operators) => op in ops;
  if (has('essential') && typeof ops.essential !== 'boolean') throw conflict(parameter, 'essential is not a boolean');
  for (const op of ['add', 'one_of', 'subset_of', 'superset_of'] as const) if (has(op)) list(parameter, op, ops[op]);
  if (has('one_of') && (has('subset_of') || has('superset_of') || has('add'))) throw conflict(parameter, 'one_of cannot be combined with add, subset_of or superset_of');
  if (has('subset_of') && has('superset_of') && !includesAll(ops.subset_of as unknown[], ops.superset_of as unknown[])) throw conflict(parameter, 'superset_of is not within subset_of');
  if (has('subset_of') && has('add') && !includesAll(ops.subset_of as unknown[], ops.add as unknown[])) throw conflict(parameter, 'add puts values outside subset_of');
  if (has('value')) {
    const value = ops.value;
    if (value === null) {
      if (ops.essential === true) throw conflict(parameter, 'value null removes a parameter that is essential');
      return;
    }
    const values = Array.isArray(value) ? value : [value];
    if (has('one_of') && !(ops.one_of as unknown[]).some((v) => isDeepStrictEqual(v, value))) throw conflict(parameter, 'value is not one of one_of');
    if (has('subset_of') && !includesAll(ops.subset_of as unknown[], values)) throw conflict(parameter, 'value is not within subset_of');
    if (has('superset_of') && !includesAll(values, ops.superset_of as unknown[])) throw conflict(parameter, 'value does not hold superset_of');
    if (has('add') && !includesAll(values, ops.add as unknown[])) throw conflict(parameter, 'value does not hold what add adds');
    if (has('default') && !isDeepStrictEqual(ops.default, value)) throw conflict(parameter, 'value and default differ');
  }
}

/**
 * Applies a merged policy to one entity type's metadata (§6.1.4.2), in operator order. A value the
 * policy forbids is a violation, never silently dropped, except where `subset_of` narrows a list.
 */
export function applyPolicy(metadata: Record<string, unknown>, policy: MetadataPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = { ...metadata };
  for (const [parameter, raw] of Object.entries(policy)) {
    const ops = raw as Operators;
    if ('value' in ops) {
      if (ops.value === null) delete out[parameter];
      else out[parameter] = ops.value;
    }
    if ('add' in ops) out[parameter] = union(parameter in out ? asList(parameter, out[parameter]) : [], ops.add as unknown[]);
    if ('default' in ops && !(parameter in out)) out[parameter] = ops.default;
    if (parameter in out) {
      const value = out[parameter];
      if ('one_of' in ops && !(ops.one_of as unknown[]).some((v) => isDeepStrictEqual(v, value))) throw violation(parameter, 'is not one of the values the federation allows');
      if ('subset_of' in ops) out[parameter] = intersection(asList(parameter, value), ops.subset_of as unknown[]);
      if ('superset_of' in ops && !includesAll(asList(parameter, value), ops.superset_of as unknown[])) throw violation(parameter, 'lacks values the federation requires');
    }
    if (ops.essential === true && !(parameter in out)) throw violation(parameter, 'is essential and missing');
  }
  return out;
}

function isOperators(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(parameter: string, op: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw conflict(parameter, `${op} is not a list`);
  return value;
}

function asList(parameter: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw violation(parameter, 'is not a list, as its policy needs');
  return value;
}

const includes = (values: unknown[], v: unknown) => values.some((x) => isDeepStrictEqual(x, v));
const includesAll = (values: unknown[], needed: unknown[]) => needed.every((v) => includes(values, v));
const union = (a: unknown[], b: unknown[]) => [...a, ...b.filter((v) => !includes(a, v))];
const intersection = (a: unknown[], b: unknown[]) => a.filter((v) => includes(b, v));

function conflict(parameter: string, why: string): FederationError {
  return new FederationError(Code.PolicyConflict, `metadata policy for ${JSON.stringify(parameter).slice(0, 128)}: ${why}`);
}

function violation(parameter: string, why: string): FederationError {
  return new FederationError(Code.PolicyViolation, `metadata parameter ${JSON.stringify(parameter).slice(0, 128)} ${why}`);
}
