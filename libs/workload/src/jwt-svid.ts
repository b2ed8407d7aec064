import { orUndefined } from '@admit/contracts';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { parseSpiffeId, SpiffeId } from './spiffe-id';
import { WorkloadError, WorkloadErrorCode as Code } from './workload-error';

/** The JWT-SVID algorithms the JWT-SVID spec allows. */
export const SVID_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

export interface SvidRules {
  trustDomain: string;
  /** The trust domain's JWT bundle: its `jwt-svid` keys. */
  bundle: JSONWebKeySet;
  /** Admit's issuer: the audience every SVID presented to Admit must name. */
  audience: string;
  /** The longest time to `exp` accepted, in seconds (the anchor's `max_lifetime_s`, default 3600). */
  maxLifetimeS: number;
  nowS: number;
  skewS: number;
}

export interface VerifiedSvid {
  spiffeId: SpiffeId;
  /** Seconds since the epoch: no admission on this SVID may outlive it. */
  exp: number;
}

/**
 * A JWT-SVID presented as a proof: its `sub` a SPIFFE ID of the anchor's trust domain, signed with a
 * key of that domain's JWT bundle, `aud` naming Admit, and an `exp` not past and no further away than
 * the anchor allows. It needs no `jti` and may be presented again until it expires, as SPIRE reuses
 * SVIDs.
 */
export async function verifySvid(jwt: string, rules: SvidRules): Promise<VerifiedSvid> {
  const claims = orUndefined(() => decodeJwt(jwt));
  if (!claims) throw new WorkloadError(Code.SvidInvalid, 'the JWT-SVID is not a compact JWS with a JSON claims set');
  // A sub that is no SPIFFE ID is refused as such (ERR_SPIFFE_ID).
  const spiffeId = parseSpiffeId(claims.sub);
  if (spiffeId.trustDomain !== rules.trustDomain) throw new WorkloadError(Code.SvidTrustDomain, `${spiffeId.id} is not in trust domain ${rules.trustDomain}`);
  if (typeof claims.exp !== 'number' || claims.aud === undefined) throw new WorkloadError(Code.SvidInvalid, 'the JWT-SVID lacks exp or aud');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(rules.audience)) throw new WorkloadError(Code.SvidAudience, `the JWT-SVID is not for ${rules.audience}`);
  if (claims.exp <= rules.nowS - rules.skewS) throw new WorkloadError(Code.SvidExpired, `the JWT-SVID expired at ${new Date(claims.exp * 1000).toISOString()}`);
  if (claims.exp - rules.nowS > rules.maxLifetimeS + rules.skewS) throw new WorkloadError(Code.SvidLifetime, `the JWT-SVID lives longer than the ${rules.maxLifetimeS} s its trust domain allows`);
  try {
    await jwtVerify(jwt, keySet(rules.bundle), { algorithms: SVID_ALGORITHMS, currentDate: new Date(rules.nowS * 1000), clockTolerance: rules.skewS });
  } catch {
    throw new WorkloadError(Code.SvidSignature, `the JWT-SVID does not verify with the JWT bundle of ${rules.trustDomain}`);
  }
  return { spiffeId, exp: claims.exp };
}

/** One jose key set per bundle object, so each key is imported once, not once per SVID. */
const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

function keySet(bundle: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(bundle);
  if (!set) keySets.set(bundle, (set = createLocalJWKSet(svidKeys(bundle))));
  return set;
}

/**
 * A SPIFFE bundle's JWT-SVID keys (`use: jwt-svid`; X.509-SVID keys are left out) as a JWKS jose
 * selects from: jose considers only keys for signatures (`use` absent or `sig`).
 */
function svidKeys(bundle: JSONWebKeySet): JSONWebKeySet {
  return { keys: bundle.keys.filter((k) => k.use === undefined || k.use === 'jwt-svid').map(({ use: _use, ...key }) => key) };
}
