import { Problem } from '@admit/contracts';
import { FederationError, FederationErrorCode, ResolvedChain, TrustChainResolver, underFederationDomains } from '@admit/federation';
import type { FederationTrustAnchor } from '@admit/trust';
import { codedProblem } from './validation';

/** A resolution that failed in a way the resolver does not name (a bug): reported without detail. */
export const FEDERATION_FAILED = 'ERR_FEDERATION_FAILED';

export type ChainResolution = { ok: true; chain: ResolvedChain } | { ok: false; problem: Problem };

/**
 * OpenID Federation as a metadata source: the routing rule (which https client ids are federation
 * entities) and trust chain resolution, whose every failure becomes one problem with a stable code.
 */
export class FederationSource {
  constructor(
    private readonly resolver: TrustChainResolver,
    private readonly anchors: readonly FederationTrustAnchor[],
  ) {}

  /** True when a client id that names no source is a federation entity: its host is under an anchor's `domains`. */
  covers(clientId: string): boolean {
    return underFederationDomains(clientId, this.anchors);
  }

  async resolve(entityId: string, fresh: boolean): Promise<ChainResolution> {
    if (this.anchors.length === 0) {
      return { ok: false, problem: codedProblem(FederationErrorCode.NoAnchor, 'no OpenID Federation trust anchor is configured') };
    }
    try {
      return recordable(await this.resolver.resolve(entityId, { fresh }));
    } catch (err) {
      if (err instanceof FederationError) return { ok: false, problem: codedProblem(err.code, err.message) };
      return { ok: false, problem: codedProblem(FEDERATION_FAILED, 'the trust chain could not be resolved') };
    }
  }

  /** Drops every cached statement, so the next resolution fetches the chain again. */
  purge(): void {
    this.resolver.purge();
  }
}

/** The longest entity identifier or trust mark type the validated event can record. */
const MAX_ID = 2048;
/** The most trust marks (held, or refused) it records. */
const MAX_MARKS = 64;

/**
 * A chain the validated event can record: an entity identifier too long for it refuses the chain;
 * trust marks past the event's limits are left out (a mark never fails a chain).
 */
function recordable(chain: ResolvedChain): ChainResolution {
  if (chain.path.some((id) => id.length > MAX_ID)) {
    return { ok: false, problem: codedProblem(FederationErrorCode.EntityId, `an entity identifier on the chain of ${chain.leaf.slice(0, 256)} is longer than ${MAX_ID} characters`) };
  }
  const fits = (mark: { type: string }) => mark.type.length <= MAX_ID;
  return {
    ok: true,
    chain: {
      ...chain,
      trustMarks: chain.trustMarks.filter((mark) => fits(mark) && mark.issuer.length <= MAX_ID).slice(0, MAX_MARKS),
      rejectedTrustMarks: chain.rejectedTrustMarks.filter(fits).slice(0, MAX_MARKS),
    },
  };
}
