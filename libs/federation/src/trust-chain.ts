import { parsedUrl } from '@admit/contracts';
import { FetchError, FetchErrorCode, type Fetcher } from '@admit/metadata';
import type { JSONWebKeySet } from 'jose';
import { checkConstraints, matches } from './constraints';
import { checkTimes, describe, EntityMetadata, EntityStatement, isObject, readStatement, verifyStatement } from './entity-statement';
import { FederationError, FederationErrorCode as Code } from './federation-error';
import { applyPolicy, checkPolicyCrit, mergePolicies, MetadataPolicy } from './metadata-policy';
import { RejectedTrustMark, TrustMark, verifyTrustMarks } from './trust-marks';

/** A trust anchor of type `openid_federation`: its entity identifier and its federation keys, pinned. */
export interface FederationAnchor {
  id: string;
  entityId: string;
  jwks: JSONWebKeySet;
}

export interface FederationLimits {
  /** Superiors between the leaf and the anchor, the anchor included. Default 5. */
  maxDepth: number;
  /** HTTP requests one resolution may make. Default 16. */
  maxFetches: number;
  /** Largest statement accepted, in bytes. Default 64 KiB. */
  maxBytes: number;
  /** How long a failed fetch is remembered and not tried again. Default 30 s. */
  failureCooldownMs: number;
  /** Clock skew allowed for iat and exp, in seconds. Default 60. */
  skewS: number;
}

export const DEFAULT_FEDERATION_LIMITS: FederationLimits = { maxDepth: 5, maxFetches: 16, maxBytes: 64 * 1024, failureCooldownMs: 30_000, skewS: 60 };

/** The client types whose metadata Admit admits, in order of preference. */
const CLIENT_TYPES = ['openid_relying_party', 'oauth_client'] as const;
const MAX_CACHED = 1_000;

export interface ResolvedChain {
  leaf: string;
  anchor: FederationAnchor;
  /** Entity identifiers from the leaf up to the anchor. */
  path: string[];
  /** The statements of the chain, the leaf's configuration first and the anchor's last, for the evidence. */
  statements: { iss: string; sub: string; sha256: string; exp: number }[];
  /** Seconds since the epoch: the earliest `exp` in the chain. Nothing admitted on it may outlive it. */
  expiresAt: number;
  /** The leaf's metadata with its superiors' metadata and policies applied. */
  metadata: EntityMetadata;
  clientType: (typeof CLIENT_TYPES)[number];
  clientMetadata: Record<string, unknown>;
  trustMarks: TrustMark[];
  rejectedTrustMarks: RejectedTrustMark[];
}

interface Link {
  /** The superior's entity configuration. */
  superior: EntityStatement;
  /** The superior's subordinate statement about the entity below it. */
  statement: EntityStatement;
}

interface Budget {
  fetches: number;
  /** Fetch every statement again rather than serve it from the cache (a freshness re-check)… */
  fresh: boolean;
  /** …once per resolution: the URLs this resolution fetched already. */
  fetched: Set<string>;
}

/**
 * OpenID Federation 1.0 trust chains: from a leaf's entity configuration up its `authority_hints`,
 * each superior's subordinate statement fetched from its `federation_fetch_endpoint`, to a
 * configured anchor whose keys are pinned. Every request goes through `fetcher` (the SSRF guard).
 * Statements are cached until their `exp`; a failed fetch is not tried again for the cooldown.
 */
export class TrustChainResolver {
  private readonly statements = new Map<string, EntityStatement>();
  private readonly failures = new Map<string, { error: FederationError; until: number }>();
  private readonly limits: FederationLimits;

  constructor(
    private readonly fetcher: Fetcher,
    private readonly anchors: FederationAnchor[],
    limits: Partial<FederationLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_FEDERATION_LIMITS, ...limits };
  }

  /** `fresh`: every statement is fetched again, none served from the cache (failures still cool down). */
  async resolve(leafId: string, options: { fresh?: boolean } = {}): Promise<ResolvedChain> {
    checkEntityId(leafId);
    const budget: Budget = { fetches: 0, fresh: options.fresh === true, fetched: new Set() };
    const leaf = await this.configuration(leafId, budget);
    const links = await this.pathUp(leaf, [leafId], budget);
    const anchor = this.anchorOf(links[links.length - 1].superior.sub)!;
    const nowS = Math.floor(this.now() / 1000);
    const chain = [leaf, ...links.map((l) => l.statement), links[links.length - 1].superior];
    for (const statement of chain) checkTimes(statement, nowS, this.limits.skewS);

    // Top-down: the anchor's pinned keys verify its statement, each statement's keys the one below.
    await verifyStatement(links[links.length - 1].superior, anchor.jwks, Code.Signature, `trust anchor ${anchor.id} (pinned)`);
    for (let j = links.length - 1; j >= 0; j--) {
      const keys = j === links.length - 1 ? anchor.jwks : links[j + 1].statement.jwks;
      await verifyStatement(links[j].statement, keys, Code.Signature, j === links.length - 1 ? `trust anchor ${anchor.id} (pinned)` : links[j + 1].statement.iss);
    }
    await verifyStatement(leaf, links[0].statement.jwks, Code.KeyMismatch, `its superior ${links[0].statement.iss}`);

    const path = [leafId, ...links.map((l) => l.superior.sub)];
    let allowedTypes: Set<string> | undefined;
    links.forEach(({ statement }, j) => {
      checkPolicyCrit(statement.metadata_policy_crit, describe(statement));
      const allowed = checkConstraints(statement.constraints, statement.iss, j, path.slice(0, j + 1));
      if (allowed) allowedTypes = allowedTypes ? new Set([...allowedTypes].filter((t) => allowed.has(t))) : allowed;
    });

    const metadata = resolveMetadata(leaf.metadata ?? {}, links, allowedTypes);
    const clientType = CLIENT_TYPES.find((type) => isObject(metadata[type]));
    if (!clientType) throw new FederationError(Code.NoClientMetadata, `${leafId} has no openid_relying_party or oauth_client metadata the chain allows`);
    const marks = await verifyTrustMarks(leaf, chain[chain.length - 1], async (issuer) => (await this.configuration(issuer, budget)).jwks, nowS, this.limits.skewS);
    return {
      leaf: leafId,
      anchor,
      path,
      statements: chain.map(({ iss, sub, sha256, exp }) => ({ iss, sub, sha256, exp })),
      expiresAt: Math.min(...chain.map((s) => s.exp)),
      metadata,
      clientType,
      clientMetadata: metadata[clientType],
      trustMarks: marks.valid,
      rejectedTrustMarks: marks.rejected,
    };
  }

  /** Forgets every cached statement and failure (e.g. when an anchor or intermediate is revoked). */
  purge(): void {
    this.statements.clear();
    this.failures.clear();
  }

  /** Follows `authority_hints` depth-first until a configured anchor; the first hint that leads to one wins. */
  private async pathUp(child: EntityStatement, visited: string[], budget: Budget): Promise<Link[]> {
    const hints = child.authority_hints ?? [];
    let firstError: FederationError | undefined;
    for (const superiorId of hints) {
      try {
        if (visited.includes(superiorId)) throw new FederationError(Code.Loop, `authority_hints of ${child.sub} lead back to ${superiorId}`);
        if (visited.length > this.limits.maxDepth) throw new FederationError(Code.TooLong, `no trust anchor within ${this.limits.maxDepth} superiors of ${visited[0]}`);
        checkEntityId(superiorId);
        const anchor = this.anchorOf(superiorId);
        // An anchor's own configuration is read for its fetch endpoint only; the pinned keys verify it later.
        const superior = await this.configuration(superiorId, budget, anchor !== undefined);
        const statement = await this.subordinate(superior, child.sub, budget);
        if (anchor) return [{ superior, statement }];
        return [{ superior, statement }, ...(await this.pathUp(superior, [...visited, superiorId], budget))];
      } catch (err) {
        if (!(err instanceof FederationError) || err.code === Code.TooManyFetches) throw err;
        firstError ??= err;
      }
    }
    throw firstError ?? new FederationError(Code.NoAnchor, `${child.sub} names no superior (authority_hints) that leads to a configured trust anchor`);
  }

  private anchorOf(entityId: string): FederationAnchor | undefined {
    return this.anchors.find((a) => a.entityId === entityId);
  }

  /** An entity configuration, verified with its own keys unless an anchor's pinned keys will verify it. */
  private async configuration(entityId: string, budget: Budget, pinned = false): Promise<EntityStatement> {
    const url = `${entityId.replace(/\/$/, '')}/.well-known/openid-federation`;
    const statement = await this.statement(url, { iss: entityId, sub: entityId }, budget);
    if (!pinned) await verifyStatement(statement, statement.jwks, Code.Signature, 'it');
    return statement;
  }

  private async subordinate(superior: EntityStatement, sub: string, budget: Budget): Promise<EntityStatement> {
    const federation = superior.metadata?.federation_entity;
    const endpoint = isObject(federation) ? federation.federation_fetch_endpoint : undefined;
    if (typeof endpoint !== 'string' || !endpoint.startsWith('https://')) {
      throw new FederationError(Code.Malformed, `${superior.sub} publishes no https federation_fetch_endpoint`);
    }
    const url = `${endpoint}${endpoint.includes('?') ? '&' : '?'}sub=${encodeURIComponent(sub)}`;
    return this.statement(url, { iss: superior.sub, sub }, budget);
  }

  private async statement(url: string, expected: { iss: string; sub: string }, budget: Budget): Promise<EntityStatement> {
    const now = this.now();
    const cached = this.statements.get(url);
    if (cached && cached.exp * 1000 > now && (!budget.fresh || budget.fetched.has(url))) return cached;
    const failed = this.failures.get(url);
    if (failed && failed.until > now) throw failed.error;
    if (budget.fetches >= this.limits.maxFetches) throw new FederationError(Code.TooManyFetches, `resolving needed more than ${this.limits.maxFetches} requests`);
    budget.fetches += 1;
    budget.fetched.add(url);
    let statement: EntityStatement;
    try {
      const response = await this.fetcher.fetch(url, { maxBytes: this.limits.maxBytes });
      statement = readStatement(response.body.toString('utf8').trim(), expected);
    } catch (err) {
      const error = asFederationError(err, describe(expected), this.limits.maxBytes);
      this.failures.set(url, { error, until: now + this.limits.failureCooldownMs });
      throw error;
    }
    if (this.statements.size >= MAX_CACHED) this.statements.delete(this.statements.keys().next().value as string);
    this.statements.set(url, statement);
    return statement;
  }
}

/**
 * The leaf's metadata, its immediate superior's `metadata` laid over it, then every level's
 * `metadata_policy` merged (the anchor's first) and applied, entity type by entity type. Types a
 * superior's `allowed_entity_types` excludes are dropped.
 */
function resolveMetadata(leafMetadata: EntityMetadata, links: Link[], allowedTypes: Set<string> | undefined): EntityMetadata {
  const overrides = links[0].statement.metadata ?? {};
  const policies = [...links].reverse().map((l) => l.statement.metadata_policy ?? {});
  const types = new Set([...Object.keys(leafMetadata), ...Object.keys(overrides)]);
  const out: EntityMetadata = {};
  for (const type of types) {
    if (allowedTypes && !allowedTypes.has(type)) continue;
    const base = { ...(isObject(leafMetadata[type]) ? leafMetadata[type] : {}), ...(isObject(overrides[type]) ? overrides[type] : {}) };
    const merged = mergePolicies(policies.map((p) => (isObject(p[type]) ? (p[type] as MetadataPolicy) : {})));
    out[type] = applyPolicy(base, merged);
  }
  return out;
}

/**
 * The routing rule for client ids that name no source: an https URL is a federation entity when its
 * host falls under some federation anchor's `domains` (`.example.org`: any host below it;
 * `fed.example`: that host alone), and a metadata document URL otherwise.
 */
export function underFederationDomains(clientId: string, anchors: readonly { domains: readonly string[] }[]): boolean {
  const url = parsedUrl(clientId);
  if (!url) return false;
  const host = url.hostname.toLowerCase();
  return url.protocol === 'https:' && anchors.some((anchor) => anchor.domains.some((name) => matches(host, name)));
}

function checkEntityId(entityId: string): void {
  const url = parsedUrl(entityId);
  if (!url || url.protocol !== 'https:' || url.search || url.hash || url.username || url.password) {
    throw new FederationError(Code.EntityId, `${JSON.stringify(entityId.slice(0, 256))} is not an https entity identifier without query, fragment or userinfo`);
  }
}

function asFederationError(err: unknown, what: string, maxBytes: number): FederationError {
  if (err instanceof FederationError) return err;
  if (err instanceof FetchError && err.code === FetchErrorCode.TooLarge) return new FederationError(Code.TooLarge, `${what} is larger than ${maxBytes} bytes`);
  const code = err instanceof FetchError ? err.code : 'an unexpected error';
  return new FederationError(Code.Fetch, `${what} could not be fetched (${code})`);
}
