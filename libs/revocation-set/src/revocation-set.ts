import { parsedUrl, Revocation, RevocationKind } from '@admit/contracts';

/** Everything a client can be revoked by. */
export interface RevocationSubject {
  client_id: string;
  software_id?: string;
  anchor?: string;
  /**
   * The metadata document's origin (`https://host[:port]`). An origin revocation names a host (alone
   * or in an origin) and covers it on every port, with or without a trailing dot.
   */
  origin?: string;
  jkts?: readonly string[];
  /** A federation client's intermediates: an `intermediate` revocation of any of them covers it. */
  intermediates?: readonly string[];
  /**
   * A SPIFFE workload's trust domain and path segments: a `trust_domain` revocation of its domain, or a
   * `spiffe_prefix` revocation of any whole-segment prefix of its SPIFFE ID, covers it.
   */
  trust_domain?: string;
  spiffe_path?: readonly string[];
  /** An attested agent's attester (its anchor id): an `attester` revocation of it covers the agent. */
  attester?: string;
}

export type RevocationListener = (revocation: Revocation) => void;

/** The Kafka key of a revocation on the compacted topic. */
export function revocationKey(kind: RevocationKind, value: string): string {
  return `${kind}:${value}`;
}

/** The revocations in force, by `kind:value`, as read from the compacted topic. */
export class RevocationSet {
  private readonly byKey = new Map<string, Revocation>();
  /** Origin revocations by the host they name (see originHost), then by their own key. */
  private readonly byOriginHost = new Map<string, Map<string, Revocation>>();
  private readonly listeners: RevocationListener[] = [];
  private caughtUp = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** True once the whole topic as it stood at start has been applied. */
  get ready(): boolean {
    return this.caughtUp;
  }

  markReady(): void {
    this.caughtUp = true;
  }

  /** Applies one record of the topic: a revocation, or a tombstone (null) lifting the key. */
  apply(key: string, revocation: Revocation | null): void {
    this.indexOrigin(key, revocation);
    if (revocation === null) {
      this.byKey.delete(key);
      return;
    }
    this.byKey.set(key, revocation);
    if (this.inForce(revocation)) for (const listener of this.listeners) listener(revocation);
  }

  /** Called for every revocation that comes into force, so caches can drop what it covers. */
  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  /** The revocation in force that covers `subject`, if any; client_id first, keys last. */
  match(subject: RevocationSubject): Revocation | undefined {
    for (const key of subjectKeys(subject)) {
      const revocation = key.startsWith(ORIGIN_PREFIX) ? this.originRevocation(key.slice(ORIGIN_PREFIX.length)) : this.byKey.get(key);
      if (revocation && this.inForce(revocation)) return revocation;
    }
    return undefined;
  }

  private originRevocation(host: string): Revocation | undefined {
    for (const revocation of this.byOriginHost.get(host)?.values() ?? []) if (this.inForce(revocation)) return revocation;
    return undefined;
  }

  private indexOrigin(key: string, revocation: Revocation | null): void {
    if (!key.startsWith(ORIGIN_PREFIX)) return;
    const host = originHost(key.slice(ORIGIN_PREFIX.length));
    if (host === undefined) return;
    const revocations = this.byOriginHost.get(host) ?? new Map<string, Revocation>();
    if (revocation === null) revocations.delete(key);
    else revocations.set(key, revocation);
    if (revocations.size === 0) this.byOriginHost.delete(host);
    else this.byOriginHost.set(host, revocations);
  }

  /** The revocation in force of one key, by its RFC 7638 thumbprint, if any. */
  keyRevocation(jkt: string): Revocation | undefined {
    const revocation = this.byKey.get(revocationKey('jkt', jkt));
    return revocation && this.inForce(revocation) ? revocation : undefined;
  }

  /** The number of revocations in force. */
  get size(): number {
    let n = 0;
    for (const revocation of this.byKey.values()) if (this.inForce(revocation)) n++;
    return n;
  }

  private inForce(revocation: Revocation): boolean {
    return revocation.expires_at === undefined || Date.parse(revocation.expires_at) > this.now();
  }
}

const ORIGIN_PREFIX = revocationKey('origin', '');

/**
 * The host an origin revocation or a subject's origin names: lower case, without port or trailing
 * dot, so `https://app.example:8443`, `app.example` and `https://app.example.` are one host.
 */
export function originHost(value: string): string | undefined {
  const url = value.includes('://') ? value : `https://${value}`;
  const host = parsedUrl(url)?.hostname.replace(/\.$/, '');
  return host || undefined;
}

/** Revocation keys that cover the subject; an origin is given as `origin:<host>`, matched by host. */
function subjectKeys(subject: RevocationSubject): string[] {
  const keys = [revocationKey('client_id', subject.client_id)];
  if (subject.software_id !== undefined) keys.push(revocationKey('software_id', subject.software_id));
  if (subject.anchor !== undefined) keys.push(revocationKey('anchor', subject.anchor));
  if (subject.attester !== undefined) keys.push(revocationKey('attester', subject.attester));
  const host = subject.origin === undefined ? undefined : originHost(subject.origin);
  if (host !== undefined) keys.push(revocationKey('origin', host));
  for (const entityId of subject.intermediates ?? []) keys.push(revocationKey('intermediate', entityId));
  if (subject.trust_domain !== undefined) {
    keys.push(revocationKey('trust_domain', subject.trust_domain));
    const path = subject.spiffe_path ?? [];
    // `spiffe://td/ns/payments` covers ns/payments/api by whole segments, never ns/payments2.
    for (let i = 1; i <= path.length; i++) keys.push(revocationKey('spiffe_prefix', `spiffe://${subject.trust_domain}/${path.slice(0, i).join('/')}`));
  }
  for (const jkt of subject.jkts ?? []) keys.push(revocationKey('jkt', jkt));
  return keys;
}
