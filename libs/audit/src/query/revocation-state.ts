import { RevocationKind, Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';

export interface RevocationView {
  id: string;
  kind: RevocationKind;
  value: string;
  reason: string;
  actor: string;
  created_at: string;
  expires_at?: string;
  /** `lifted` or `expired` once an admin action (or Admit itself) ended it, or its expiry passed. */
  status: 'active' | 'lifted' | 'expired';
  ended_at?: string;
  ended_by?: string;
}

export interface Subject {
  kind: RevocationKind;
  value: string;
}

/**
 * Every revocation recorded against any of `subjects`, with its state now, derived from the stored
 * events alone: the revocation event, then the `revocation.lifted` / `revocation.expired` admin
 * action naming it (the compacted topic's tombstones are not events, the admin actions are).
 */
export async function revocationsOf(query: SqlQuery, subjects: Subject[], now: Date): Promise<RevocationView[]> {
  if (subjects.length === 0) return [];
  const rows = await query<{ data: Omit<RevocationView, 'status'> }>(
    `SELECT e.data FROM audit_events e
     JOIN (SELECT * FROM unnest($2::text[], $3::text[]) AS s(kind, value)) s ON (e.data ->> 'kind') = s.kind AND (e.data ->> 'value') = s.value
     WHERE e.type = $1 ORDER BY e.event_time, e.seq`,
    [Topic.Revocations, subjects.map((s) => s.kind), subjects.map((s) => s.value)],
  );
  // The revocation service may publish one revocation more than once (rebuilding its topic): one per id.
  const byId = new Map(rows.map((r) => [r.data.id, r.data]));
  if (byId.size === 0) return [];
  const ends = await query<{ target: string; action: string; actor: string; at: string }>(
    `SELECT data ->> 'target' AS target, data ->> 'action' AS action, data ->> 'actor' AS actor, data ->> 'at' AS at
     FROM audit_events WHERE type = $1 AND (data ->> 'target') = ANY($2::text[]) AND (data ->> 'action') IN ('revocation.lifted', 'revocation.expired')
     ORDER BY seq`,
    [Topic.AdminActions, [...byId.keys()]],
  );
  const endOf = new Map(ends.map((e) => [e.target, e]));
  return [...byId.values()].map((r) => {
    const end = endOf.get(r.id);
    if (end) return { ...r, status: end.action === 'revocation.lifted' ? 'lifted' : 'expired', ended_at: end.at, ended_by: end.actor };
    if (r.expires_at && Date.parse(r.expires_at) <= now.getTime()) return { ...r, status: 'expired', ended_at: r.expires_at };
    return { ...r, status: 'active' };
  });
}
