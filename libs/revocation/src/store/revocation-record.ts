import { Revocation, RevocationKind, RevocationStatus } from '@admit/contracts';

/** A row of `revocations` as the queries return it. */
export interface RevocationRecord {
  id: string;
  kind: RevocationKind;
  value: string;
  reason: string;
  actor: string;
  created_at: Date;
  expires_at: Date | null;
  status: RevocationStatus;
  lifted_at: Date | null;
  lifted_by: string | null;
}

/** The event body published while the revocation is in force. */
export function toRevocationEvent(r: RevocationRecord): Revocation {
  return {
    id: r.id,
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    actor: r.actor,
    created_at: new Date(r.created_at).toISOString(),
    ...(r.expires_at ? { expires_at: new Date(r.expires_at).toISOString() } : {}),
  };
}
