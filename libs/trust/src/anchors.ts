import { Type } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JSONWebKeySet } from 'jose';
import { parse } from 'yaml';
import { isAnchorAlgorithm } from './anchor-algorithms';
import { compileShape, orUndefined, parsedUrl } from '@admit/contracts';
import { checkClientMetadata } from '@admit/metadata';
import { parseBundle, parseSpiffeId, prefixSegments } from '@admit/workload';
import {
  CLIENT_ATTESTER_TYPE,
  ClientAttesterAnchorConfig,
  FederationAnchorConfig,
  OPENID_FEDERATION_TYPE,
  SOFTWARE_STATEMENT_TYPE,
  SPIFFE_TYPE,
  SpiffeAnchorConfig,
  TrustAnchorConfig,
  TrustAnchorsConfig,
} from './anchor-schema';
import { publicJwksProblem } from './public-jwks';
import { ClientAttesterAnchor, FederationTrustAnchor, SpiffeTrustAnchor, TrustAnchor, TrustAnchors, TrustAnchorsError } from './trust-anchor';

export const TRUST_ANCHORS_FILE_VAR = 'ADMIT_TRUST_ANCHORS_FILE';

/** The anchors file, read by the validator and by intake (the workload proofs presented to it). */
export const trustAnchorsConfig = {
  /** YAML file of trust anchors; unset means no anchor, so every software statement is unapproved. */
  ADMIT_TRUST_ANCHORS_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

const checkShape = compileShape<TrustAnchorsConfig>(TrustAnchorsConfig);
const checkStatementAnchor = compileShape<TrustAnchorConfig>(TrustAnchorConfig);
const checkFederationAnchor = compileShape<FederationAnchorConfig>(FederationAnchorConfig);
const checkSpiffeAnchor = compileShape<SpiffeAnchorConfig>(SpiffeAnchorConfig);
const checkAttesterAnchor = compileShape<ClientAttesterAnchorConfig>(ClientAttesterAnchorConfig);

/** An SVID's lifetime when the anchor sets no `max_lifetime_s`. */
export const DEFAULT_SVID_MAX_LIFETIME_S = 3600;

/**
 * Reads and validates the anchors file at `path` (ADMIT_TRUST_ANCHORS_FILE). No path means no
 * anchors: every statement is then unapproved, which is the safe default.
 */
export function loadTrustAnchors(path: string | undefined): TrustAnchors {
  if (path === undefined || path === '') return new TrustAnchors([]);
  const source = `${TRUST_ANCHORS_FILE_VAR} (${path})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrustAnchorsError(`${source}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  }
  return parseTrustAnchorsYaml(text, source);
}

export function parseTrustAnchorsYaml(text: string, source = 'trust anchors'): TrustAnchors {
  let input: unknown;
  try {
    // Aliases are refused outright: an anchors file has no use for them, and they enable expansion bombs.
    input = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw new TrustAnchorsError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  return buildTrustAnchors(input, source);
}

/** Validates anchors given as an object shaped like the YAML file (`{ anchors: [...] }`). */
export function buildTrustAnchors(input: unknown, source = 'trust anchors'): TrustAnchors {
  if (!checkShape(input)) {
    const messages = (checkShape.errors ?? []).map((error) => describeSchemaError(input, error));
    throw new TrustAnchorsError(`${source}: ${messages.join('; ')}`);
  }
  const anchors: TrustAnchor[] = [];
  const federation: FederationTrustAnchor[] = [];
  const spiffe: SpiffeTrustAnchor[] = [];
  const attesters: ClientAttesterAnchor[] = [];
  input.anchors.forEach((config, index) => {
    const where = `${source}: ${anchorLabel(config, index)}`;
    if (config.type === OPENID_FEDERATION_TYPE) federation.push(toFederationAnchor(checked(checkFederationAnchor, input, index), where));
    else if (config.type === SPIFFE_TYPE) spiffe.push(toSpiffeAnchor(checked(checkSpiffeAnchor, input, index), where));
    else if (config.type === CLIENT_ATTESTER_TYPE) attesters.push(toAttesterAnchor(checked(checkAttesterAnchor, input, index), where));
    else if (config.type === undefined || config.type === SOFTWARE_STATEMENT_TYPE) anchors.push(toAnchor(checked(checkStatementAnchor, input, index), where));
    else throw new TrustAnchorsError(`${where} field type: must be ${SOFTWARE_STATEMENT_TYPE} (the default), ${OPENID_FEDERATION_TYPE}, ${SPIFFE_TYPE} or ${CLIENT_ATTESTER_TYPE}`);
  });
  rejectDuplicates([...anchors, ...federation, ...spiffe, ...attesters], 'id', source);
  rejectDuplicates(anchors, 'issuer', source);
  rejectDuplicates(federation, 'entityId', source);
  rejectDuplicates(spiffe, 'trustDomain', source);
  rejectDuplicates(attesters, 'issuer', source);
  return new TrustAnchors(anchors, federation, spiffe, attesters);

  function checked<T>(check: ValidateFunction<T>, file: TrustAnchorsConfig, index: number): T {
    const config = file.anchors[index];
    if (check(config)) return config;
    const errors = (check.errors ?? []).map((error) => ({ ...error, instancePath: `/anchors/${index}${error.instancePath}` }));
    throw new TrustAnchorsError(`${source}: ${errors.map((error) => describeSchemaError(file, error)).join('; ')}`);
  }
}

/** An OpenID Federation anchor: an https Entity Identifier and its pinned, public federation keys. */
function toFederationAnchor(config: FederationAnchorConfig, where: string): FederationTrustAnchor {
  const fail = failAt(where);
  const problem = httpsUrlProblem(config.entity_id) ?? (new URL(config.entity_id).search ? 'must not contain a query' : null);
  if (problem) fail('entity_id', problem);
  return Object.freeze({ id: config.id, entityId: config.entity_id, jwks: pinnedJwks(config.jwks, fail), domains: Object.freeze([...(config.domains ?? [])]) });
}

/**
 * A SPIFFE trust domain: a trust domain as SPIFFE IDs spell it, exactly one of a pinned public JWT
 * bundle and an https bundle endpoint, and templates whose prefixes are SPIFFE paths (by whole
 * segments, each prefix once) and whose metadata the client metadata rules accept.
 */
function toSpiffeAnchor(config: SpiffeAnchorConfig, where: string): SpiffeTrustAnchor {
  const fail = failAt(where);
  const trustDomain = config.trust_domain;
  if (orUndefined(() => parseSpiffeId(`spiffe://${trustDomain}`))?.trustDomain !== trustDomain) fail('trust_domain', 'must be a SPIFFE trust domain: lowercase letters, digits, dots, dashes and underscores, without scheme or path');
  if ((config.bundle === undefined) === (config.bundle_endpoint === undefined)) fail('bundle/bundle_endpoint', 'exactly one of bundle or bundle_endpoint is required');
  let bundle: JSONWebKeySet | undefined;
  if (config.bundle !== undefined) {
    try {
      bundle = parseBundle(trustDomain, JSON.stringify(config.bundle));
    } catch (err) {
      fail('bundle', (err as Error).message);
    }
    // Its JWT-SVID keys, public, each kid once (`use: jwt-svid` is the bundle's own, not a JWK use).
    const svidKeys = { keys: (bundle as JSONWebKeySet).keys.map(({ use: _use, ...key }) => key) };
    const keysProblem = jwksProblem(svidKeys);
    if (keysProblem) fail('bundle', keysProblem);
  }
  const endpointProblem = config.bundle_endpoint === undefined ? null : httpsUrlProblem(config.bundle_endpoint);
  if (endpointProblem) fail('bundle_endpoint', endpointProblem);
  const seen = new Map<string, string>();
  const templates = Object.entries(config.templates).map(([prefix, metadata]) => {
    const segments = prefixSegments(prefix);
    if (segments.length > 0 && !orUndefined(() => parseSpiffeId(`spiffe://${trustDomain}/${segments.join('/')}`))) fail(`templates."${prefix.slice(0, 256)}"`, 'must be a SPIFFE path prefix: segments of [A-Za-z0-9._-], none empty, . or ..');
    const key = segments.join('/');
    if (seen.has(key)) fail(`templates."${prefix.slice(0, 256)}"`, `names the same path as "${seen.get(key)}"`);
    seen.set(key, prefix);
    const checked = checkClientMetadata(metadata);
    if (!checked.ok) fail(`templates."${prefix.slice(0, 256)}"`, checked.errors.map((e) => e.description).join('; '));
    return Object.freeze({ prefix, metadata: checked.ok ? checked.metadata : {} });
  });
  return Object.freeze({
    id: config.id,
    trustDomain,
    ...(bundle ? { bundle } : { bundleEndpoint: config.bundle_endpoint }),
    maxLifetimeS: config.max_lifetime_s ?? DEFAULT_SVID_MAX_LIFETIME_S,
    templates: Object.freeze(templates),
  });
}

/** A client attester: its issuer, its pinned public keys (each kid once), and metadata the client metadata rules accept. */
function toAttesterAnchor(config: ClientAttesterAnchorConfig, where: string): ClientAttesterAnchor {
  const fail = failAt(where);
  const jwks = pinnedJwks(config.jwks, fail);
  if ('jwks' in config.metadata || 'jwks_uri' in config.metadata) fail('metadata', 'must not name keys: each agent is admitted with the key its attestation binds');
  const checked = checkClientMetadata(config.metadata);
  if (!checked.ok) fail('metadata', checked.errors.map((e) => e.description).join('; '));
  return Object.freeze({ id: config.id, issuer: config.issuer, jwks, metadata: checked.ok ? checked.metadata : {} });
}

function toAnchor(config: TrustAnchorConfig, where: string): TrustAnchor {
  const fail = failAt(where);
  if ((config.jwks === undefined) === (config.jwks_uri === undefined)) {
    fail('jwks/jwks_uri', 'exactly one of jwks or jwks_uri is required');
  }
  for (const alg of config.algorithms) {
    if (!isAnchorAlgorithm(alg)) {
      fail('algorithms', `${JSON.stringify(alg)} is not allowed; only asymmetric JWS algorithms (ES*, PS*, RS*, EdDSA, Ed25519) are`);
    }
  }
  const requiredClaims = [...new Set(['software_id', ...(config.required_claims ?? [])])];
  const base = {
    id: config.id,
    issuer: config.issuer,
    algorithms: Object.freeze(config.algorithms.filter(isAnchorAlgorithm)),
    maxAgeS: config.max_age_s,
    requiredClaims: Object.freeze(requiredClaims),
  };
  if (config.jwks_uri !== undefined) {
    const problem = httpsUrlProblem(config.jwks_uri);
    if (problem) fail('jwks_uri', problem);
    return Object.freeze({ ...base, keys: { kind: 'remote' as const, jwksUri: config.jwks_uri } });
  }
  return Object.freeze({ ...base, keys: { kind: 'inline' as const, jwks: pinnedJwks(config.jwks, fail) } });
}

function httpsUrlProblem(value: string): string | null {
  const url = parsedUrl(value);
  if (!url) return 'is not an absolute URL';
  if (url.protocol !== 'https:') return 'must use https';
  if (url.username || url.password) return 'must not contain userinfo';
  if (value.includes('#')) return 'must not contain a fragment';
  return null;
}

/** Throws for a field of the anchor at `where` that breaks a rule. */
const failAt = (where: string) => (field: string, message: string): never => {
  throw new TrustAnchorsError(`${where} field ${field}: ${message}`);
};

/** A copy of pinned keys; `fail`s for field jwks unless they are public, each kid once. */
function pinnedJwks(jwks: unknown, fail: ReturnType<typeof failAt>): JSONWebKeySet {
  const problem = jwksProblem(jwks as JSONWebKeySet);
  if (problem) fail('jwks', problem);
  return structuredClone(jwks as JSONWebKeySet);
}

/** Pinned keys must be public, each kid once. */
function jwksProblem(jwks: JSONWebKeySet): string | null {
  const problem = publicJwksProblem(jwks);
  if (problem) return problem;
  const seen = new Set<string>();
  for (const key of jwks.keys) {
    const kid = key.kid as string;
    if (seen.has(kid)) return `kid ${JSON.stringify(kid)} appears more than once`;
    seen.add(kid);
  }
  return null;
}

function rejectDuplicates<A extends { id: string }>(anchors: A[], field: keyof A & string, source: string): void {
  const seen = new Set<unknown>();
  const name = field === 'entityId' ? 'entity_id' : field === 'trustDomain' ? 'trust_domain' : field;
  for (const anchor of anchors) {
    if (seen.has(anchor[field])) {
      throw new TrustAnchorsError(`${source}: anchor "${anchor.id}" field ${name}: ${JSON.stringify(anchor[field])} is used by another anchor`);
    }
    seen.add(anchor[field]);
  }
}

function anchorLabel(config: { id?: unknown } | undefined, index: number): string {
  const id = typeof config?.id === 'string' ? `"${config.id.slice(0, 64)}" ` : '';
  return `anchor ${id}(anchors[${index}])`;
}

/** Turns `/anchors/2/jwks/keys/0/kid` into `anchor "x" (anchors[2]) field jwks.keys.0.kid: <message>`. */
function describeSchemaError(input: unknown, error: ErrorObject): string {
  const [, top, index, ...rest] = error.instancePath.split('/');
  const extra = (error.params as { missingProperty?: string; additionalProperty?: string });
  const member = extra.missingProperty ?? extra.additionalProperty;
  const message = extra.additionalProperty ? 'is not a known field' : (error.message ?? 'is invalid');
  if (top !== 'anchors' || index === undefined) {
    return `${error.instancePath || 'document'}${member ? ` field ${member}` : ''}: ${message}`;
  }
  const anchors = (input as { anchors: { id?: unknown }[] }).anchors;
  const field = [...rest, ...(member ? [member] : [])].join('.') || '(anchor)';
  return `${anchorLabel(anchors[Number(index)], Number(index))} field ${field}: ${message}`;
}
