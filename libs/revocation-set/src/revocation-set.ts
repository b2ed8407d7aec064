import { Revocation, RevocationKind } from '@admit/contracts';

/** Everything a client can be revoked by. */
export interface RevocationSubject {
  client_id: string;
  software_id?: string;
  anchor?: string;
  /** The metadata document's origin (`https://host[:port]`); a revocation may name the origin or just its host. */
  origin?: string;
  jkts?: readonly string[];
}

export type RevocationListener = (revocation: Revocation) => void;

/** The Kafka key of a revocation on the compacted topic. */
export function revocationKey(kind: RevocationKind, value: string): string {
  return `${kind}:${value}`;
}

/** The revocations in force, by `kind:value`, as read from the compacted topic. */
export class RevocationSet {
  private readonly byKey = new Map<string, Revocation>();
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
      const revocation = this.byKey.get(key);
      if (revocation && this.inForce(revocation)) return revocation;
    }
    return undefined;
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

function subjectKeys(subject: RevocationSubject): string[] {
  const keys = [revocationKey('client_id', subject.client_id)];
  if (subject.software_id !== undefined) keys.push(revocationKey('software_id', subject.software_id));
  if (subject.anchor !== undefined) keys.push(revocationKey('anchor', subject.anchor));
  if (subject.origin !== undefined) {
    keys.push(revocationKey('origin', subject.origin));
    if (URL.canParse(subject.origin)) keys.push(revocationKey('origin', new URL(subject.origin).host));
  }
  for (const jkt of subject.jkts ?? []) keys.push(revocationKey('jkt', jkt));
  return keys;
}
