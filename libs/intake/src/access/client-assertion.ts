import { Fetcher, keyThumbprints } from '@admit/metadata';
import { createLocalJWKSet, errors, JSONWebKeySet, jwtVerify } from 'jose';

/** Why a client assertion was refused; each is a stable reason code in the access-check answer. */
export const AssertionError = {
  Invalid: 'invalid_client_assertion',
  Replayed: 'client_assertion_replayed',
  NoKeys: 'client_assertion_no_keys',
  /** The replay cache is full of unexpired jtis: refusing is the only answer that cannot be replayed. */
  Busy: 'client_assertion_busy',
  /** Signed with a key whose thumbprint is revoked: the same reason code as any other `jkt` revocation. */
  KeyRevoked: 'revoked:jkt',
} as const;
export type AssertionError = (typeof AssertionError)[keyof typeof AssertionError];

export type AssertionResult = { ok: true } | { ok: false; code: AssertionError; description: string };

/** Asymmetric algorithms only: a client never shares a secret with Admit. */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const MAX_LIFETIME_S = 300;
const SKEW_S = 30;
const MAX_JWKS_BYTES = 64 * 1024;
const MAX_ASSERTION_LENGTH = 16 * 1024;

export interface AssertionOptions {
  /** Admit's issuer: the only accepted `aud`. */
  issuer: string;
  fetcher: Fetcher;
  now?: () => number;
  /** How many unexpired jti values are remembered; past it, assertions are refused rather than replayable. */
  maxJtis?: number;
  /** Whether a key, by its RFC 7638 thumbprint, is revoked; its assertions are refused. */
  isRevokedKey?: (jkt: string) => boolean;
}

/**
 * RFC 7523 private_key_jwt client assertions, checked against the keys in the client's own
 * metadata (`jwks`, or `jwks_uri` fetched through the SSRF guard): `iss` = `sub` = the client,
 * `aud` = Admit, `exp` at most 5 minutes away, and each `jti` used once.
 */
export class ClientAssertions {
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AssertionOptions) {
    this.now = options.now ?? Date.now;
  }

  async verify(assertion: string, clientId: string, metadata: Record<string, unknown>): Promise<AssertionResult> {
    if (assertion.length > MAX_ASSERTION_LENGTH) return fail(AssertionError.Invalid, 'the assertion is too long');
    const jwks = await this.keysOf(metadata);
    if (!jwks) return fail(AssertionError.NoKeys, 'the client metadata has no usable jwks or jwks_uri');
    const nowS = Math.floor(this.now() / 1000);
    const verify = (keys: JSONWebKeySet) =>
      jwtVerify(assertion, createLocalJWKSet(keys), {
        algorithms: ALGORITHMS,
        issuer: clientId,
        subject: clientId,
        audience: this.options.issuer,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: SKEW_S,
        currentDate: new Date(this.now()),
      });
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await verify(jwks));
    } catch (err) {
      const code = err instanceof errors.JOSEError ? err.code : 'ERR_INVALID';
      return fail(AssertionError.Invalid, `${code}: ${err instanceof Error ? err.message : 'invalid'}`);
    }
    // Keys from jwks_uri can change after validation, so revoked keys are looked for here, at use:
    // an assertion that verifies only with a revoked key among the client's keys is refused.
    const unrevoked = await this.withoutRevokedKeys(jwks);
    if (unrevoked && !(await verify(unrevoked).then(() => true, () => false))) {
      return fail(AssertionError.KeyRevoked, 'the assertion is signed with a revoked key');
    }
    const { exp, jti } = payload as { exp: number; jti: unknown };
    if (exp > nowS + MAX_LIFETIME_S + SKEW_S) return fail(AssertionError.Invalid, `exp is more than ${MAX_LIFETIME_S} s away`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return fail(AssertionError.Invalid, 'jti must be a string of 1 to 256 characters');
    const remembered = this.remember(`${clientId}\0${jti}`, (exp + SKEW_S) * 1000);
    if (remembered === 'replayed') return fail(AssertionError.Replayed, 'this jti was already used');
    if (remembered === 'full') return fail(AssertionError.Busy, 'too many unexpired assertions; try again later');
    return { ok: true };
  }

  /** Records a jti until its assertion expires, unless it is already there or no room is left. */
  private remember(id: string, until: number): 'ok' | 'replayed' | 'full' {
    const now = this.now();
    const known = this.seen.get(id);
    if (known !== undefined && known > now) return 'replayed';
    const max = this.options.maxJtis ?? 100_000;
    if (this.seen.size >= max) {
      for (const [k, expiry] of this.seen) if (expiry <= now) this.seen.delete(k);
      if (this.seen.size >= max) return 'full';
    }
    this.seen.set(id, until);
    return 'ok';
  }

  /** The key set without its revoked keys, or undefined when none of its keys is revoked. */
  private async withoutRevokedKeys(jwks: JSONWebKeySet): Promise<JSONWebKeySet | undefined> {
    const isRevoked = this.options.isRevokedKey;
    if (!isRevoked) return undefined;
    const revoked = await Promise.all(jwks.keys.map(async (key) => (await keyThumbprints({ keys: [key] })).some(isRevoked)));
    return revoked.includes(true) ? { keys: jwks.keys.filter((_, i) => !revoked[i]) } : undefined;
  }

  private async keysOf(metadata: Record<string, unknown>): Promise<JSONWebKeySet | undefined> {
    if (isJwks(metadata.jwks)) return metadata.jwks;
    if (typeof metadata.jwks_uri !== 'string') return undefined;
    try {
      const response = await this.options.fetcher.fetch(metadata.jwks_uri, { maxBytes: MAX_JWKS_BYTES });
      const jwks: unknown = JSON.parse(response.body.toString('utf8'));
      return isJwks(jwks) ? jwks : undefined;
    } catch {
      return undefined;
    }
  }
}

function isJwks(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}

function fail(code: AssertionError, description: string): AssertionResult {
  return { ok: false, code, description };
}
