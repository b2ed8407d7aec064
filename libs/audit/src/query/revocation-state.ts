import { RevocationKind, RevocationView, Topic } from '@admit/contracts';

/** A revocation as the audit API shows it: its end is `ended_at` / `ended_by` there. */
export type AuditRevocation = RevocationView<'ended'>;

export interface Subject {
  kind: RevocationKind;
  value: string;
}

/** A revocation event as stored, and the admin action that ended it, if any: what `revocationsSql` returns. */
export interface RevocationRow {
  data: Omit<AuditRevocation, 'status'>;
  action: string | null;
  actor: string | null;
  at: string | null;
}

/**
 * A jsonb array (null when empty), oldest first, of every revocation recorded against any subject
 * a revocation could name the client `client` (an SQL expression) by: its id, and the anchor,
 * software, origin and keys of its allow decisions. One per revocation id (the revocation service
 * may publish one more than once: the latest copy, at the first one's place), each with the latest
 * `revocation.lifted` / `revocation.expired` admin action naming it (the compacted topic's
 * tombstones are not events, the admin actions are). `param` numbers the statement's parameters.
 */
export function revocationsSql(client: string, param: (value: unknown) => string): string {
  const decided = param(Topic.RegistrationDecided);
  const allowed = `sub.client_id = ${client} AND sub.type = ${decided} AND sub.decision = 'allow'`;
  return `SELECT jsonb_agg(jsonb_build_object('data', rv.data, 'action', x.action, 'actor', x.actor, 'at', x.at) ORDER BY rv.event_time, rv.seq) AS revocations
    FROM (SELECT DISTINCT ON (v.id) v.id, v.event_time, v.seq, v.data FROM (
            SELECT rev.data ->> 'id' AS id, rev.event_time, rev.seq,
                   last_value(rev.data) OVER (PARTITION BY rev.data ->> 'id' ORDER BY rev.event_time, rev.seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS data
            FROM audit_events rev
            WHERE rev.type = ${param(Topic.Revocations)} AND (rev.data ->> 'kind', rev.data ->> 'value') IN (
              SELECT 'client_id', ${client}
              UNION ALL SELECT s.kind, s.value FROM audit_events sub
                CROSS JOIN LATERAL (VALUES ('anchor', sub.anchor), ('origin', sub.origin), ('software_id', sub.data -> 'admission' ->> 'software_id')) s(kind, value)
                WHERE ${allowed} AND s.value IS NOT NULL
              UNION ALL SELECT 'jkt', j #>> '{}' FROM audit_events sub CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(sub.jkts) WHEN 'array' THEN sub.jkts END) j
                WHERE ${allowed} AND jsonb_typeof(j) = 'string')) v
          ORDER BY v.id, v.event_time, v.seq) rv
    LEFT JOIN LATERAL (
      SELECT act.data ->> 'action' AS action, act.data ->> 'actor' AS actor, act.data ->> 'at' AS at FROM audit_events act
      WHERE act.type = ${param(Topic.AdminActions)} AND (act.data ->> 'target') = rv.id AND (act.data ->> 'action') IN ('revocation.lifted', 'revocation.expired')
      ORDER BY act.seq DESC LIMIT 1) x ON TRUE`;
}

/** Each revocation's state now: ended by its admin action, or expired once its expiry passed, or active. */
export function revocationStates(rows: RevocationRow[] | null, now: Date): AuditRevocation[] {
  return (rows ?? []).map(({ data: r, action, actor, at }) => {
    if (action !== null) return { ...r, status: action === 'revocation.lifted' ? 'lifted' : 'expired', ended_at: at, ended_by: actor } as AuditRevocation;
    if (r.expires_at && Date.parse(r.expires_at) <= now.getTime()) return { ...r, status: 'expired', ended_at: r.expires_at };
    return { ...r, status: 'active' };
  });
}
