import { RevocationKind } from '@admit/contracts';
import { RevocationRecord, RevocationStatus, toRevocationEvent } from '../store/revocation-record';

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
    ...toRevocationEvent(r),
    status: r.status,
    ...(r.lifted_at ? { lifted_at: new Date(r.lifted_at).toISOString() } : {}),
    ...(r.lifted_by ? { lifted_by: r.lifted_by } : {}),
  };
}
