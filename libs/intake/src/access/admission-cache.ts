import { Admission, ClientMetadata, RegistrationDecided, RegistrationRequested } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';

type Decided = RegistrationDecided;

/** One admitted client, as its decided event left it. */
export interface CachedAdmission {
  client_id: string;
  admission: Admission;
  metadata: ClientMetadata;
  policy_version: string;
  decided_at: string;
}

/**
 * Admissions from decided events, for access checks: an entry lives until its `expires_at`, a deny
 * for the client, or a revocation that covers it. Beside them, the requests this instance sent, so
 * an admission can be renewed by sending its request again (also after a lifted revocation).
 * Both are bounded; the least recently used go first.
 */
export class AdmissionCache {
  private readonly entries = new Map<string, CachedAdmission>();
  private readonly requests = new Map<string, RegistrationRequested>();

  constructor(
    revocations: RevocationSet,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    revocations.onRevoked(() => {
      for (const [id, entry] of this.entries) {
        if (revocations.match({ client_id: id, ...entry.admission })) this.entries.delete(id);
      }
    });
  }

  /** The unexpired admission of a client, if any. */
  get(clientId: string): CachedAdmission | undefined {
    const entry = this.entries.get(clientId);
    if (!entry) return undefined;
    this.entries.delete(clientId);
    if (Date.parse(entry.admission.expires_at) <= this.now()) return undefined;
    this.entries.set(clientId, entry);
    return entry;
  }

  /**
   * Takes in a decision: an allow caches the admission. A deny leaves a live admission alone: anyone
   * can send a request that fails for a client, and that must not end its admission. Revocations and
   * expiry end admissions; an access check renews a stale one through the pipeline.
   */
  record(decided: Decided): void {
    const { client_id, admission, metadata } = decided;
    if (decided.decision !== 'allow' || !admission || !metadata) return;
    this.entries.delete(client_id);
    bounded(this.entries, client_id, { client_id, admission, metadata, policy_version: decided.policy_version, decided_at: decided.decided_at }, this.maxEntries);
  }

  /** Keeps the request this instance sent for a client, so its admission can be renewed later. */
  keepRequest(clientId: string, request: RegistrationRequested): void {
    bounded(this.requests, clientId, request, this.maxEntries);
  }

  /** The request that last admitted (or tried to admit) the client through this instance. */
  requestOf(clientId: string): RegistrationRequested | undefined {
    return this.requests.get(clientId);
  }

  /**
   * The request that admits an https client id again: as an OpenID Federation entity when this
   * instance last admitted it by naming that source, otherwise as a `cimd` request, which the
   * validator resolves as a federation entity when its host falls under a federation anchor's domains.
   */
  urlRequest(clientId: string, fresh: boolean): RegistrationRequested {
    const source = this.requests.get(clientId)?.source === 'openid_federation' ? 'openid_federation' : 'cimd';
    return { client_id: clientId, source, ...(fresh ? { fresh } : {}), received_at: new Date(this.now()).toISOString() };
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Sets `key` as the most recently used entry, dropping the least recently used past `max`. */
function bounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}
