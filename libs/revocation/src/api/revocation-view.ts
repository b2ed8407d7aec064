import { RevocationView } from '@admit/contracts';
import { RevocationRecord, toRevocationEvent } from '../store/revocation-record';

/** A revocation as the admin API shows it. */
export function toView(r: RevocationRecord): RevocationView {
  return {
    ...toRevocationEvent(r),
    status: r.status,
    ...(r.lifted_at ? { lifted_at: new Date(r.lifted_at).toISOString() } : {}),
    ...(r.lifted_by ? { lifted_by: r.lifted_by } : {}),
  };
}
