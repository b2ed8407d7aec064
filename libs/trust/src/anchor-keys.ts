import type { Fetcher } from '@admit/metadata';
import { createLocalJWKSet, type CryptoKey, type FlattenedJWSInput, type JWSHeaderParameters, type LocalJWKSet } from 'jose';
import { AnchorKeysError } from './anchor-keys-error';
import { Clock, systemClock } from './clock';
import { fetchAnchorJwks } from './fetch-anchor-jwks';
import type { TrustAnchor, TrustAnchors } from './trust-anchor';

export interface AnchorKeysOptions {
  /** The only way anchor JWKS URLs are reached (the SSRF-guarded fetcher in production). */
  fetcher: Fetcher;
  clock?: Clock;
  /** Largest JWKS body accepted. Default 64 KiB. */
  maxJwksBytes?: number;
  /** How long a fetched JWKS is used before it is fetched again. Default 10 min. */
  ttlMs?: number;
  /** Least time between two fetches of one anchor's JWKS outside the TTL. Default 30 s. */
  refreshCooldownMs?: number;
}

/** jose's key-function shape (`jwtVerify(jwt, getKey)`), narrowed to what a JWKS yields. */
export type AnchorKeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

interface RemoteState {
  readonly anchorId: string;
  readonly uri: string;
  current?: { set: LocalJWKSet; fetchedAt: number };
  lastAttemptAt?: number;
  lastError?: AnchorKeysError;
  inflight?: Promise<LocalJWKSet>;
  /** Bumped by purge, so a fetch that started before it cannot refill the cache. */
  generation: number;
}

/**
 * Per-anchor verification keys. Inline sets are fixed; remote sets are cached for a TTL and
 * refreshed on an unknown kid at most once per cooldown, so a flood of made-up kids costs one fetch.
 * A failed fetch is remembered for the cooldown too. Expired keys are never served after a failed
 * refresh: fail closed rather than keep trusting a key the anchor may have withdrawn.
 */
export class AnchorKeys {
  private readonly inline = new Map<string, LocalJWKSet>();
  private readonly remote = new Map<string, RemoteState>();
  private readonly clock: Clock;
  private readonly maxJwksBytes: number;
  private readonly ttlMs: number;
  private readonly cooldownMs: number;

  constructor(
    anchors: TrustAnchors,
    private readonly options: AnchorKeysOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxJwksBytes = options.maxJwksBytes ?? 64 * 1024;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.cooldownMs = options.refreshCooldownMs ?? 30_000;
    for (const anchor of anchors.all) {
      if (anchor.keys.kind === 'inline') this.inline.set(anchor.id, createLocalJWKSet(anchor.keys.jwks));
      else this.remote.set(anchor.id, { anchorId: anchor.id, uri: anchor.keys.jwksUri, generation: 0 });
    }
  }

  /** The key function to hand to `jwtVerify` for statements from this anchor. */
  resolverFor(anchor: TrustAnchor): AnchorKeyResolver {
    const inline = this.inline.get(anchor.id);
    if (inline) return (header, token) => inline(header, token);
    const state = this.remote.get(anchor.id);
    if (!state) throw new Error(`anchor ${JSON.stringify(anchor.id)} is not one these keys were built for`);
    return (header, token) => this.resolveRemote(state, header, token);
  }

  /** Drops an anchor's cached JWKS (and its cooldown), e.g. when the anchor is revoked. */
  purge(anchorId: string): boolean {
    const state = this.remote.get(anchorId);
    if (!state) return false;
    state.generation += 1;
    state.current = state.lastAttemptAt = state.lastError = state.inflight = undefined;
    return true;
  }

  private async resolveRemote(state: RemoteState, header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const set = await this.usableSet(state);
    try {
      return await set(header, token);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      // Someone else refreshed while we looked: try their set before spending a fetch.
      if (state.current && state.current.set !== set) return state.current.set(header, token);
      if (!state.inflight && !this.cooledDown(state)) throw error;
      return (await this.refresh(state))(header, token);
    }
  }

  private async usableSet(state: RemoteState): Promise<LocalJWKSet> {
    const now = this.now();
    if (state.current && now - state.current.fetchedAt < this.ttlMs) return state.current.set;
    if (state.inflight) return state.inflight;
    if (state.lastError && !this.cooledDown(state)) throw state.lastError;
    return this.refresh(state);
  }

  private cooledDown(state: RemoteState): boolean {
    return state.lastAttemptAt === undefined || this.now() - state.lastAttemptAt >= this.cooldownMs;
  }

  /** One fetch at a time per anchor; concurrent callers share it. */
  private refresh(state: RemoteState): Promise<LocalJWKSet> {
    if (state.inflight) return state.inflight;
    const generation = state.generation;
    state.lastAttemptAt = this.now();
    const inflight = fetchAnchorJwks(this.options.fetcher, state.anchorId, state.uri, this.maxJwksBytes).then(
      (jwks) => {
        const set = createLocalJWKSet(jwks);
        if (state.generation === generation) {
          state.current = { set, fetchedAt: this.now() };
          state.lastError = undefined;
        }
        return set;
      },
      (error: AnchorKeysError) => {
        if (state.generation === generation) state.lastError = error;
        throw error;
      },
    );
    state.inflight = inflight;
    const settle = () => {
      if (state.inflight === inflight) state.inflight = undefined;
    };
    inflight.then(settle, settle);
    return inflight;
  }

  private now(): number {
    return this.clock().getTime();
  }
}
