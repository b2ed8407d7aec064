import { Topic } from '@admit/contracts';
import { Client } from 'pg';
import { eventually } from '../../support/poll';
import { Sent } from './load';

/** What a fault suite observed: requests sent, how they were answered, and what the audit store holds. */
export interface Ledger {
  sent: number;
  answered: Record<number, number>;
  decided: number;
  stored: number;
}

const PIPELINE: string[] = [Topic.RegistrationRequested, Topic.RegistrationValidated, Topic.RegistrationDecided];
/** intake's description of a request it could not hand to the broker: that one never entered the pipeline. */
const NOT_QUEUED = 'the request could not be queued; try again';

/**
 * The closing check of every fault suite. Each request that entered the pipeline (every 201 and
 * every 503 "no decision in time") ends in exactly one decided event, and its requested, validated
 * and decided events are each stored once in the audit store: none missing, none doubled. A 201 was
 * an allow. A request refused before it was queued may have no events, and never more than one of
 * each. Nothing else is answered: no 500, no dropped connection.
 */
export async function expectEachDecidedOnce(pg: Client, sent: Sent[], timeoutMs = 120_000): Promise<Ledger> {
  const answered: Record<number, number> = {};
  for (const s of sent) answered[s.status] = (answered[s.status] ?? 0) + 1;
  expect(sent.filter((s) => s.status !== 201 && !(s.status === 503 && s.error === 'temporarily_unavailable'))).toEqual([]);
  const entered = sent.filter((s) => s.description !== NOT_QUEUED);
  const ids = sent.map((s) => s.clientId);
  expect(new Set(ids).size).toBe(ids.length);

  type Row = { subject: string; type: string; events: number; rows: number; decision: string | null };
  const rows = await eventually(
    `the requested, validated and decided events of ${entered.length} requests in the audit store`,
    async () => {
      const { rows: found } = await pg.query<Row>(
        `SELECT subject, type, count(DISTINCT event_id)::int AS events, count(*)::int AS rows, max(data ->> 'decision') AS decision
           FROM audit_events WHERE subject = ANY($1::text[]) AND type = ANY($2::text[]) GROUP BY subject, type`,
        [ids, PIPELINE],
      );
      // Audit stores each topic-partition on its own, so a decided event may be stored before its request.
      const stored = new Set(found.map((r) => `${r.subject} ${r.type}`));
      const missing = entered.flatMap((s) => PIPELINE.filter((type) => !stored.has(`${s.clientId} ${type}`)).map((type) => `${s.clientId} (${s.status}) ${type}`));
      if (missing.length > 0) throw new Error(`${missing.length} missing, e.g. ${missing.slice(0, 6).join(', ')}`);
      return found;
    },
    timeoutMs,
  );
  const bySubject = new Map<string, Record<string, Row>>();
  for (const row of rows) bySubject.set(row.subject, { ...bySubject.get(row.subject), [row.type]: row });
  const once = { events: 1, rows: 1 };
  for (const s of entered) {
    const stored = bySubject.get(s.clientId) ?? {};
    const counts = Object.fromEntries(PIPELINE.map((type) => [type, stored[type] ? { events: stored[type].events, rows: stored[type].rows } : undefined]));
    expect({ clientId: s.clientId, counts }).toEqual({ clientId: s.clientId, counts: Object.fromEntries(PIPELINE.map((type) => [type, once])) });
    if (s.status === 201) expect(stored[Topic.RegistrationDecided].decision).toBe('allow');
  }
  for (const row of rows) expect(row.events === 1 && row.rows === 1).toBe(true);
  return {
    sent: sent.length,
    answered,
    decided: rows.filter((r) => r.type === Topic.RegistrationDecided).length,
    stored: rows.reduce((sum, r) => sum + r.rows, 0),
  };
}

/** One line for the suite's output, so a run shows what each fault did. */
export function report(fault: string, ledger: Ledger): void {
  process.stdout.write(`[faults] ${fault}: sent ${ledger.sent}, answered ${JSON.stringify(ledger.answered)}, decided ${ledger.decided}, stored ${ledger.stored}\n`);
}
