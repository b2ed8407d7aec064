import { parsedUrl } from '@admit/contracts';
import { FederationError, FederationErrorCode as Code } from './federation-error';

/** A superior's `constraints` on everything below it (OpenID Federation 1.0 §6.2). */
export interface Constraints {
  max_path_length?: number;
  naming_constraints?: { permitted?: string[]; excluded?: string[] };
  allowed_entity_types?: string[];
}

/**
 * Checks the constraints a superior put in its statement against the chain below it.
 * `intermediatesBelow`: how many intermediate entities sit between the superior and the leaf;
 * `entitiesBelow`: the identifiers of every entity below the superior, the leaf included.
 * Returns the entity types the leaf may keep metadata for (all when unconstrained).
 */
export function checkConstraints(constraints: Constraints | undefined, issuer: string, intermediatesBelow: number, entitiesBelow: string[]): Set<string> | undefined {
  if (!constraints) return undefined;
  const refuse = (why: string) => new FederationError(Code.Constraint, `${issuer}'s constraints: ${why}`);
  const max = constraints.max_path_length;
  if (max !== undefined) {
    if (!Number.isInteger(max) || max < 0) throw refuse('max_path_length is not a non-negative integer');
    if (intermediatesBelow > max) throw refuse(`the chain has ${intermediatesBelow} intermediates below it, more than max_path_length ${max}`);
  }
  const naming = constraints.naming_constraints;
  if (naming) {
    for (const entity of entitiesBelow) {
      const host = hostOf(entity);
      if (naming.excluded?.some((name) => matches(host, name))) throw refuse(`${entity} is in an excluded name space`);
      if (naming.permitted && !naming.permitted.some((name) => matches(host, name))) throw refuse(`${entity} is outside the permitted name spaces`);
    }
  }
  const types = constraints.allowed_entity_types;
  if (types !== undefined) {
    if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) throw refuse('allowed_entity_types is not a list of entity types');
    return new Set([...types, 'federation_entity']);
  }
  return undefined;
}

/** RFC 5280 URI name constraints: `.example.com` is any host below it, `example.com` that host alone. */
export function matches(host: string, name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('.') ? host.endsWith(n) && host.length > n.length : host === n;
}

function hostOf(entityId: string): string {
  return parsedUrl(entityId)?.hostname.toLowerCase() ?? '';
}
