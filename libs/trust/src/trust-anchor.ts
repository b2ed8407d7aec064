import { CodedError } from '@admit/contracts';
import type { JSONWebKeySet } from 'jose';
import type { AnchorAlgorithm } from './anchor-algorithms';

/** Where an anchor's verification keys come from. */
export type AnchorKeySource = { kind: 'inline'; jwks: JSONWebKeySet } | { kind: 'remote'; jwksUri: string };

/** A software publisher or directory whose signed statements Admit accepts. */
export interface TrustAnchor {
  readonly id: string;
  /** Compared with the statement's `iss` as a plain string. */
  readonly issuer: string;
  readonly keys: AnchorKeySource;
  readonly algorithms: readonly AnchorAlgorithm[];
  /** The oldest statement (now − iat, in seconds) this anchor vouches for. */
  readonly maxAgeS: number;
  /** Claims every statement must carry; always includes `software_id`. */
  readonly requiredClaims: readonly string[];
}

/**
 * An OpenID Federation trust anchor (`type: openid_federation`): the Entity Identifier every trust
 * chain must end at, and its federation keys, pinned.
 */
export interface FederationTrustAnchor {
  readonly id: string;
  readonly entityId: string;
  readonly jwks: JSONWebKeySet;
  /** Hosts (`.example.org`: any host below it) whose client ids are federation entities under this anchor. */
  readonly domains: readonly string[];
}

/** A SPIFFE trust domain (`type: spiffe`): where its JWT bundle comes from, and its path templates. */
export interface SpiffeTrustAnchor {
  readonly id: string;
  readonly trustDomain: string;
  /** The pinned JWT bundle, or the `https_web` bundle endpoint: exactly one. */
  readonly bundle?: JSONWebKeySet;
  readonly bundleEndpoint?: string;
  /** The longest time to an SVID's `exp` accepted, in seconds (default 3600). */
  readonly maxLifetimeS: number;
  /** Path prefix (`ns/payments/`) -> the client metadata of the workloads under it, checked at load. */
  readonly templates: readonly { prefix: string; metadata: Record<string, unknown> }[];
}

/** A client attester (`type: client_attester`): whose attestations admit agents, and the metadata they are admitted with. */
export interface ClientAttesterAnchor {
  readonly id: string;
  /** The attestations' `iss`, compared as a plain string. */
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  /** The client metadata of every agent it attests, checked at load; the agent's bound key is added as `jwks`. */
  readonly metadata: Record<string, unknown>;
}

/** The validated, immutable set of anchors, looked up by issuer or id. */
export class TrustAnchors {
  private readonly byIssuerMap: ReadonlyMap<string, TrustAnchor>;
  private readonly byIdMap: ReadonlyMap<string, TrustAnchor>;

  /** `all`: the software statement anchors; `federation`: the OpenID Federation trust anchors; `spiffe`: the SPIFFE trust domains; `attesters`: the client attesters. */
  constructor(
    readonly all: readonly TrustAnchor[],
    readonly federation: readonly FederationTrustAnchor[] = [],
    readonly spiffe: readonly SpiffeTrustAnchor[] = [],
    readonly attesters: readonly ClientAttesterAnchor[] = [],
  ) {
    this.byIssuerMap = new Map(all.map((anchor) => [anchor.issuer, anchor]));
    this.byIdMap = new Map(all.map((anchor) => [anchor.id, anchor]));
  }

  byIssuer(issuer: string): TrustAnchor | undefined {
    return this.byIssuerMap.get(issuer);
  }

  byId(id: string): TrustAnchor | undefined {
    return this.byIdMap.get(id);
  }
}

export const TRUST_ANCHORS_INVALID = 'ERR_TRUST_ANCHORS_INVALID';

/** The anchors configuration is unusable. Thrown at start, so the process fails fast. */
export class TrustAnchorsError extends CodedError.with(TRUST_ANCHORS_INVALID) {}
