import { AdmitClient, AdmitError } from '@admit/client';
import { AdapterPayload, OidcAdapter } from './adapter';
import { oidcClientMetadata } from './client-metadata';

export interface ClientAdapterOptions {
  /**
   * How long a resolved client may be reused without asking Admit again (default 0: every lookup
   * asks). Never longer than its admission; a revocation in Admit is seen once this has passed.
   */
  cacheMs?: number;
  /** Verify the admission token Admit answers with offline, against its JWKS (default true). */
  verifyAdmission?: boolean;
  now?: () => number;
}

/**
 * oidc-provider's adapter for the `Client` model: every lookup resolves the client id at Admit
 * (`GET /clients/{client_id}`), so the authorization server keeps no client record. A client Admit
 * does not admit now (unknown, denied, revoked, expired) is not found, and oidc-provider answers
 * `invalid_client`; Admit unreachable is an error (the provider answers 500), never "not found".
 * Clients are registered at Admit, never here: `upsert` throws.
 */
export class AdmitClientAdapter implements OidcAdapter {
  private readonly cache = new Map<string, { metadata: AdapterPayload; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly admit: AdmitClient,
    private readonly options: ClientAdapterOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.until > this.now()) return cached.metadata;
    this.cache.delete(id);
    const admitted = await this.admit.resolveClient(id).catch((err: unknown) => {
      if (err instanceof AdmitError && err.status === 404 && err.code === 'invalid_client') return undefined;
      throw err;
    });
    if (admitted?.client_id !== id) return undefined;
    if (this.options.verifyAdmission !== false) await this.admit.verifyAdmission(admitted.admission, id);
    const metadata = oidcClientMetadata(admitted);
    const until = Math.min(this.now() + this.cacheMs, admitted.client_id_expires_at * 1000);
    if (until > this.now()) this.cache.set(id, { metadata, until });
    this.prune();
    return metadata;
  }

  /** Clients come from Admit alone: registration goes to Admit's `/register`. */
  async upsert(): Promise<void> {
    throw new Error('clients are registered at Admit, not in the authorization server');
  }

  async destroy(id: string): Promise<void> {
    this.cache.delete(id);
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  /** Clients are never consumed or granted; oidc-provider does not call these for them. */
  async consume(): Promise<void> {
    return undefined;
  }

  async revokeByGrantId(): Promise<void> {
    return undefined;
  }

  /** Cached clients held right now (each no longer than its admission). */
  get cached(): number {
    return this.cache.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
  }
}
