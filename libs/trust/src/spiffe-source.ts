import { Problem } from '@admit/contracts';
import type { Fetcher } from '@admit/metadata';
import type { SpiffeTrustAnchor } from './trust-anchor';
import { decodeJwt } from 'jose';
import { codedProblem } from './coded-problem';
import { parseSpiffeId, SpiffeBundle, templateFor, verifySvid, WorkloadError, WorkloadErrorCode, type PathTemplate, type VerifiedSvid } from '@admit/workload';

/** No `type: spiffe` anchor has the SVID's trust domain. */
export const SPIFFE_TRUST_DOMAIN_UNKNOWN = 'ERR_SPIFFE_TRUST_DOMAIN_UNKNOWN';
/** The SVID verified, but no template of its trust domain covers its path. */
export const SPIFFE_NO_TEMPLATE = 'ERR_SPIFFE_NO_TEMPLATE';
/** A verification that failed in a way the library does not name (a bug): reported without detail. */
export const SPIFFE_FAILED = 'ERR_SPIFFE_FAILED';

export interface AdmittedWorkload {
  anchor: SpiffeTrustAnchor;
  svid: VerifiedSvid;
  template: PathTemplate;
}

export type WorkloadResolution = { ok: true; workload: AdmittedWorkload } | { ok: false; problem: Problem };

/**
 * SPIFFE as a metadata source: the JWT-SVID is verified with the bundle of the anchor whose trust
 * domain its `sub` names (aud = Admit's issuer, exp within the anchor's max lifetime), and the
 * workload's metadata is the anchor's most specific path template. Every failure is one problem with
 * a stable code.
 */
export class SpiffeSource {
  private readonly bundles: ReadonlyMap<string, { anchor: SpiffeTrustAnchor; bundle: SpiffeBundle }>;

  constructor(
    anchors: readonly SpiffeTrustAnchor[],
    private readonly audience: string,
    fetcher: Fetcher,
    private readonly skewS = 30,
    private readonly now: () => number = Date.now,
  ) {
    this.bundles = new Map(
      anchors.map((anchor) => {
        const source = anchor.bundle ? { trustDomain: anchor.trustDomain, bundle: anchor.bundle } : { trustDomain: anchor.trustDomain, endpoint: anchor.bundleEndpoint as string };
        return [anchor.trustDomain, { anchor, bundle: new SpiffeBundle(source, fetcher, {}, now) }];
      }),
    );
  }

  async verify(svid: string): Promise<WorkloadResolution> {
    try {
      // The anchor is the one of the trust domain the SVID claims; verifySvid then checks the claim.
      const claimed = parseSpiffeId(claimedSub(svid));
      const entry = this.bundles.get(claimed.trustDomain);
      if (!entry) return refused(SPIFFE_TRUST_DOMAIN_UNKNOWN, `no SPIFFE trust domain ${claimed.trustDomain} is configured`);
      const { anchor, bundle } = entry;
      const verified = await verifySvid(svid, {
        trustDomain: anchor.trustDomain,
        bundle: await bundle.keys(),
        audience: this.audience,
        maxLifetimeS: anchor.maxLifetimeS,
        nowS: Math.floor(this.now() / 1000),
        skewS: this.skewS,
      });
      const template = templateFor([...anchor.templates], verified.spiffeId.segments);
      if (!template) return refused(SPIFFE_NO_TEMPLATE, `no template of trust domain ${anchor.trustDomain} covers ${verified.spiffeId.id}`);
      return { ok: true, workload: { anchor, svid: verified, template } };
    } catch (err) {
      if (err instanceof WorkloadError) return refused(err.code, err.message);
      return refused(SPIFFE_FAILED, 'the JWT-SVID could not be verified');
    }
  }
}

/** The SVID's `sub`, unverified; a token that is no JWT is refused as such. */
function claimedSub(svid: string): unknown {
  try {
    return decodeJwt(svid).sub;
  } catch {
    throw new WorkloadError(WorkloadErrorCode.SvidInvalid, 'the JWT-SVID is not a compact JWS with a JSON claims set');
  }
}

function refused(code: string, description: string): WorkloadResolution {
  return { ok: false, problem: codedProblem(code, description) };
}
