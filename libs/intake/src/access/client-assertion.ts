import { Fetcher } from '@admit/metadata';
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, errors, exportJWK, jwtVerify, type JWTVerifyResult, type ResolvedKey } from 'jose';
import { assertionShapeProblem } from './assertion-shape';
import { ClientJwksCache, isJwks, KeyResolver } from './client-jwks-cache';
import { JtiLedger } from './jti-ledger';

/** What the checks need of the jti ledger. */
export type Jtis = Pick<JtiLedger, 'claim' | 'used' | 'quota'>;

/** Why a client assertion was refused; each is a stable reason code in the access-check answer. */
export const AssertionError = {
  Invalid: 'ERR_CLIENT_ASSERTION_INVALID',
  Replayed: 'ERR_CLIENT_ASSERTION_REPLAYED',
  NoKeys: 'ERR_CLIENT_ASSERTION_NO_KEYS',
  /**
   * The client holds its quota of unexpired jtis (`ADMIT_CLIENT_ASSERTION_JTI_QUOTA`): refusing is
   * the only answer that cannot be replayed. Other clients' quotas are their own.
   */
  Busy: 'ERR_CLIENT_ASSERTION_BUSY',
  /** Signed with a key whose thumbprint is revoked: the same reason code as any other `jkt` revocation. */
  KeyRevoked: 'revoked:jkt',
} as const;
export type AssertionError = (typeof AssertionError)[keyof typeof AssertionError];

export type AssertionResult = { ok: true } | { ok: false; code: AssertionError; description: string };

/** Asymmetric algorithms only: a client never shares a secret with Admit. */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const MAX_LIFETIME_S = 300;
const SKEW_S = 30;
const MAX_ASSERTION_LENGTH = 16 * 1024;

export interface AssertionOptions {
  /** Admit's issuer: the only accepted `aud`. */
  issuer: string;
  fetcher: Fetcher;
  /** Where accepted jtis are kept until they expire, shared by every intake. */
  jtis: Jtis;
  now?: () => number;
  /** Whether a key, by its RFC 7638 thumbprint, is revoked; its assertions are refused. */
  isRevokedKey?: (jkt: string) => boolean;
  /** jwks_uri caching; the fetcher and clock above are used. */
  jwksCache?: { ttlMs?: number; cooldownMs?: number; maxEntries?: number };
}

/**
 * RFC 7523 private_key_jwt client assertions, checked against the keys in the client's own
 * metadata (`jwks`, or `jwks_uri` fetched through the SSRF guard): `iss` = `sub` = the client,
 * `aud` = Admit, `exp` at most 5 minutes away, and each `jti` used once.
 */
export class ClientAssertions {
  private readonly now: () => number;
  private readonly remoteKeys: ClientJwksCache;
  /** The local key set of each inline `jwks` (the cached admission's own object): each key is imported once, not once per assertion. */
  private readonly inlineSets = new WeakMap<object, KeyResolver>();

  constructor(private readonly options: AssertionOptions) {
    this.now = options.now ?? Date.now;
    this.remoteKeys = new ClientJwksCache({ ...options.jwksCache, fetcher: options.fetcher, now: this.now });
  }

  async verify(assertion: string, clientId: string, metadata: Record<string, unknown>): Promise<AssertionResult> {
    if (assertion.length > MAX_ASSERTION_LENGTH) return fail(AssertionError.Invalid, 'the assertion is too long');
    // Everything that needs no key is checked before any key is fetched: a made-up assertion costs no fetch.
    const rules = { clientId, audience: this.options.issuer, algorithms: ALGORITHMS, nowS: Math.floor(this.now() / 1000), skewS: SKEW_S, maxLifetimeS: MAX_LIFETIME_S };
    const shape = assertionShapeProblem(assertion, rules);
    if (shape) return fail(AssertionError.Invalid, shape);
    // A replay is refused before a jwks_uri is fetched for it; inline keys cost no fetch, and the claim below settles it.
    if (typeof metadata.jwks_uri === 'string' && !isJwks(metadata.jwks) && (await this.options.jtis.used(clientId, String(decodeJwt(assertion).jti)))) {
      return fail(AssertionError.Replayed, 'this jti was already used');
    }
    const keys = await this.keysOf(metadata);
    if (!keys) return fail(AssertionError.NoKeys, 'the client metadata has no usable jwks or jwks_uri');
    const nowS = Math.floor(this.now() / 1000);
    let verified: JWTVerifyResult & ResolvedKey;
    try {
      verified = await jwtVerify(assertion, keys(), {
        algorithms: ALGORITHMS,
        issuer: clientId,
        subject: clientId,
        audience: this.options.issuer,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: SKEW_S,
        currentDate: new Date(this.now()),
      });
    } catch (err) {
      const code = err instanceof errors.JOSEError ? err.code : 'ERR_INVALID';
      return fail(AssertionError.Invalid, `${code}: ${err instanceof Error ? err.message : 'invalid'}`);
    }
    // Keys from jwks_uri can change after validation, so revocation is looked at here, at use, on the
    // key that verified: only a key with the same thumbprint could verify the same signature.
    if (this.options.isRevokedKey?.(await thumbprintOf(verified.key))) {
      return fail(AssertionError.KeyRevoked, 'the assertion is signed with a revoked key');
    }
    const { exp, jti } = verified.payload as { exp: number; jti: unknown };
    if (exp > nowS + MAX_LIFETIME_S + SKEW_S) return fail(AssertionError.Invalid, `exp is more than ${MAX_LIFETIME_S} s away`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return fail(AssertionError.Invalid, 'jti must be a string of 1 to 256 characters');
    // Claimed only once the signature holds: an unsigned assertion cannot spend a client's quota.
    const claim = await this.options.jtis.claim(clientId, jti, (exp + SKEW_S) * 1000, this.now());
    if (claim === 'replayed') return fail(AssertionError.Replayed, 'this jti was already used');
    if (claim === 'over_quota') return fail(AssertionError.Busy, `the client holds ${this.options.jtis.quota} unexpired assertions; try again when some expire`);
    return { ok: true };
  }

  /** The client's keys, as a thunk so that building a local set from hostile inline keys fails inside verification. */
  private async keysOf(metadata: Record<string, unknown>): Promise<(() => KeyResolver) | undefined> {
    const inline = metadata.jwks;
    if (isJwks(inline)) {
      return () => {
        let set = this.inlineSets.get(inline);
        if (!set) this.inlineSets.set(inline, (set = createLocalJWKSet(inline)));
        return set;
      };
    }
    if (typeof metadata.jwks_uri !== 'string') return undefined;
    const remote = await this.remoteKeys.resolverFor(metadata.jwks_uri);
    return remote && (() => remote);
  }
}

/** RFC 7638 thumbprints of the keys that verified, computed once per key object. */
const THUMBPRINTS = new WeakMap<object, string>();

async function thumbprintOf(key: ResolvedKey['key']): Promise<string> {
  let thumbprint = THUMBPRINTS.get(key);
  if (thumbprint === undefined) THUMBPRINTS.set(key, (thumbprint = await calculateJwkThumbprint(await exportJWK(key))));
  return thumbprint;
}

function fail(code: AssertionError, description: string): AssertionResult {
  return { ok: false, code, description };
}
