import type { Incident, Timeline, VerifyReport } from '@admit/audit';

/** What the audit commands print without --json: one line per event, client or finding. */
export function describeTimeline(t: Timeline): string {
  const lines = [`client ${t.client_id}: ${t.revoked ? 'REVOKED' : 'not revoked'}`];
  for (const e of t.events) {
    const d = e.data as Record<string, unknown>;
    const what = [d.decision, d.outcome, d.action, d.kind && `${String(d.kind)}=${String(d.value)}`, d.policy_version].filter(Boolean).join(' ');
    lines.push(`${e.time}  ${e.type.replace(/^admit\./, '')}  ${what}`.trimEnd());
  }
  for (const r of t.revocations) lines.push(`revocation ${r.id}: ${r.kind}=${r.value} ${r.status}${r.ended_at ? ` at ${r.ended_at}` : ''} (${r.reason})`);
  if (t.next_cursor) lines.push(`… more: --cursor ${t.next_cursor}`);
  return `${lines.join('\n')}\n`;
}

export function describeReport(r: VerifyReport): string {
  const lines = [
    `${r.ok ? 'OK' : 'BROKEN'}: ${r.links_checked} links in ${r.chains.length} chains recomputed`,
    ...r.breaks.map((b) => `  first broken link of ${b.topic}/${b.partition}: position ${b.position}, event ${b.event_id ?? '-'} (seq ${b.event_seq ?? '-'}): ${b.reason}: ${b.description}`),
    ...(r.unchained.count > 0 ? [`  ${r.unchained.count} events outside any chain, the first at seq ${r.unchained.first_seq}`] : []),
    `checkpoints: ${r.checkpoints.count}${r.checkpoints.signatures_checked ? ', signatures checked' : ', signatures NOT checked (give --jwks)'}` +
      (r.checkpoints.external ? `; ${r.checkpoints.external.count} in ${r.checkpoints.external.source}` : '; no external copy compared (give --checkpoints)'),
    ...r.checkpoints.problems.map((p) => `  ${p.seq === null ? 'checkpoints' : `checkpoint ${p.seq}`}: ${p.code}: ${p.description}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function describeIncident(i: Incident): string {
  const window = `${i.from ?? 'the beginning'} .. ${i.to ?? 'now'}`;
  const lines = [`${i.clients.length} client(s) admitted under ${i.subject.kind} ${i.subject.value}, ${window}`];
  for (const c of i.clients) {
    lines.push(`${c.client_id}  ${c.revoked ? 'REVOKED' : 'not revoked'}  ${c.admissions} admission(s) ${c.first_admitted_at} .. ${c.last_admitted_at}`);
    for (const r of c.revocations) lines.push(`  revocation ${r.id}: ${r.kind}=${r.value} ${r.status}`);
  }
  if (i.next_cursor) lines.push(`… more: --cursor ${i.next_cursor}`);
  return `${lines.join('\n')}\n`;
}
