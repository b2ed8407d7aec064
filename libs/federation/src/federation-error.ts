import { CodedError } from '@admit/contracts';

/** Why a trust chain could not be resolved; each is a stable code in the deny reason and the evidence. */
export const FederationErrorCode = {
  /** The entity identifier is not an https URL without query or fragment. */
  EntityId: 'ERR_FEDERATION_ENTITY_ID',
  /** A statement could not be fetched (the fetcher's own code is in the description). */
  Fetch: 'ERR_FEDERATION_FETCH',
  /** A statement was larger than the byte limit. */
  TooLarge: 'ERR_FEDERATION_TOO_LARGE',
  /** Not a compact JWS of type entity-statement+jwt with the claims an entity statement needs. */
  Malformed: 'ERR_FEDERATION_STATEMENT_INVALID',
  /** A statement's signature does not verify with the keys its superior (or the pinned anchor) published. */
  Signature: 'ERR_FEDERATION_SIGNATURE',
  /** The leaf signed its entity configuration with a key its superior did not publish for it. */
  KeyMismatch: 'ERR_FEDERATION_KEY_MISMATCH',
  /** A statement is expired, or issued in the future. */
  Expired: 'ERR_FEDERATION_EXPIRED',
  /** A statement lists a claim in `crit` that Admit does not understand. */
  Crit: 'ERR_FEDERATION_CRIT',
  /** `metadata_policy_crit` names an operator Admit does not support. */
  PolicyCrit: 'ERR_FEDERATION_POLICY_CRIT',
  /** Two levels' metadata policies cannot be merged, or one policy's operators contradict each other. */
  PolicyConflict: 'ERR_FEDERATION_POLICY_CONFLICT',
  /** The leaf's metadata breaks the merged policy (a value outside `one_of`, a missing `essential`, …). */
  PolicyViolation: 'ERR_FEDERATION_POLICY_VIOLATION',
  /** More superiors than the depth limit between the leaf and an anchor. */
  TooLong: 'ERR_FEDERATION_CHAIN_TOO_LONG',
  /** `authority_hints` lead back to an entity already on the path. */
  Loop: 'ERR_FEDERATION_LOOP',
  /** Resolving needed more than the fetch limit allows. */
  TooManyFetches: 'ERR_FEDERATION_TOO_MANY_FETCHES',
  /** No path of `authority_hints` reaches a configured trust anchor. */
  NoAnchor: 'ERR_FEDERATION_NO_TRUST_ANCHOR',
  /** A superior's `constraints` (path length, naming, entity types) exclude the chain. */
  Constraint: 'ERR_FEDERATION_CONSTRAINT',
  /** The resolved leaf has neither `openid_relying_party` nor `oauth_client` metadata. */
  NoClientMetadata: 'ERR_FEDERATION_NO_CLIENT_METADATA',
} as const;
export type FederationErrorCode = (typeof FederationErrorCode)[keyof typeof FederationErrorCode];

export class FederationError extends CodedError<FederationErrorCode> {}

/** Why a trust mark was not recognised. A rejected mark is left out; it never fails the chain. */
export const TrustMarkErrorCode = {
  Invalid: 'ERR_TRUST_MARK_INVALID',
  /** The mark does not verify with its issuer's keys. */
  Signature: 'ERR_TRUST_MARK_SIGNATURE',
  /** The trust anchor's `trust_mark_issuers` does not name this issuer for this mark type. */
  IssuerUnauthorised: 'ERR_TRUST_MARK_ISSUER_UNAUTHORISED',
  Expired: 'ERR_TRUST_MARK_EXPIRED',
  /** The issuer's keys could not be fetched. */
  IssuerUnavailable: 'ERR_TRUST_MARK_ISSUER_UNAVAILABLE',
} as const;
export type TrustMarkErrorCode = (typeof TrustMarkErrorCode)[keyof typeof TrustMarkErrorCode];
