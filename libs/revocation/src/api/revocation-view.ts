import { RevocationKind } from '@admit/contracts';
import { RevocationRecord, RevocationStatus } from '../store/revocation-record';

/** A revocation as the admin API shows it. */
export interface RevocationView {
  id: string;
  kind: RevocationKind;
  value: string;
  reason: string;
  actor: string;
  created_at: string;
  expires_at?: string;
  status: RevocationStatus;
  lifted_at?: string;
  lifted_by?: string;
}

export function toView(r: RevocationRecord): RevocationView {
  return {
    id: r.id,
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    actor: r.actor,
    created_at: new Date(r.created_at).toISOString(),
    ...(r.expires_at ? { expires_at: new Date(r.expires_at).toISOString() } : {}),
    status: r.status,
    ...(r.lifted_at ? { lifted_at: new Date(r.lifted_at).toISOString() } : {}),
    ...(r.lifted_by ? { lifted_by: r.lifted_by } : {}),
  };
}
