import { Topic } from '@admit/contracts';
import { STORED_EVENT_COLUMNS, StoredEvent } from '../chain/stored-event';
import { SqlQuery } from '../sql-query';
import { decodeCursor, encodeCursor } from './cursor';
import { AuditEventView, toView } from './event-view';
import { EventFilters, Page } from './query-params';
import { AuditRevocation, RevocationRow, revocationStates, revocationsSql, Subject } from './revocation-state';

export interface EventPage {
  events: AuditEventView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface Timeline extends EventPage {
  client_id: string;
  /** Every revocation recorded against the client (or its anchor, software, origin or keys), with its state now. */
  revocations: AuditRevocation[];
  revoked: boolean;
}

export interface IncidentClient {
  client_id: string;
  first_admitted_at: string;
  last_admitted_at: string;
  admissions: number;
  /** Its decisions and access checks in the window, oldest first (at most 100). */
  decisions: { seq: string; type: string; time: string; decision: string; policy_version: string | null; reasons: unknown }[];
  /** Access checks of the client (as the checks they stand for) from its first admission in the window on, up to now. */
  later_access_checks: number;
  revoked: boolean;
  revocations: AuditRevocation[];
}

export interface Incident {
  subject: Subject;
  from: string | null;
  to: string | null;
  clients: IncidentClient[];
  next_cursor: string | null;
}

const DECISIONS_PER_CLIENT = 100;

/** SQL conditions and their parameters, numbered as they are added. */
class Where {
  readonly clauses: string[] = [];
  /** `params` may be another Where's, for two lists of conditions in one statement. */
  constructor(readonly params: unknown[] = []) {}
  add(sql: (p: string) => string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(sql(`$${this.params.length}`));
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  toString(): string {
    return this.clauses.length === 0 ? 'TRUE' : this.clauses.join(' AND ');
  }
}

function window(where: Where, filters: { from?: string; to?: string }, alias = 'e'): void {
  if (filters.from) where.add((p) => `${alias}.event_time >= ${p}::timestamptz`, filters.from);
  if (filters.to) where.add((p) => `${alias}.event_time < ${p}::timestamptz`, filters.to);
}

/**
 * The auditor's queries over the store: the same for the HTTP API and the CLI against the
 * database. Every list is keyset-paginated with an opaque cursor, in a stable order.
 */
export class AuditQueries {
  constructor(private readonly query: SqlQuery) {}

  /** Events matching every filter, in the order they were stored (`seq`). */
  async events(filters: EventFilters, page: Page): Promise<EventPage> {
    const scope = { route: 'events', ...filters };
    const where = new Where();
    for (const column of ['client_id', 'type', 'anchor', 'origin', 'decision', 'policy_version'] as const) {
      if (filters[column]) where.add((p) => `e.${column} = ${p}`, filters[column]);
    }
    window(where, filters);
    if (filters.jkt) where.add((p) => `e.jkts @> ${p}::jsonb`, JSON.stringify([filters.jkt]));
    if (page.cursor) {
      const [seq] = decodeCursor(page.cursor, scope, 1);
      where.add((p) => `e.seq > ${p}::bigint`, String(seq));
    }
    const rows = await this.query<StoredEvent>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM audit_events e WHERE ${where} ORDER BY e.seq LIMIT ${page.limit + 1}`,
      where.params,
    );
    const more = rows.length > page.limit;
    const events = rows.slice(0, page.limit);
    return { events: events.map(toView), next_cursor: more ? encodeCursor([events[events.length - 1].seq], scope) : null };
  }

  /**
   * One client's events in time order (then stored order), with the revocations recorded against it
   * directly; `revocations` also counts those against the anchor, software, origin or keys it was admitted with.
   */
  async timeline(clientId: string, filters: { from?: string; to?: string }, page: Page, now = new Date()): Promise<Timeline> {
    const scope = { route: 'timeline', client_id: clientId, ...filters };
    const where = new Where();
    const client = where.param(clientId);
    where.clauses.push(`(e.client_id = ${client} OR (e.type = ${where.param(Topic.Revocations)} AND e.data ->> 'kind' = 'client_id' AND e.data ->> 'value' = ${client}))`);
    window(where, filters);
    if (page.cursor) {
      const [time, seq] = decodeCursor(page.cursor, scope, 2);
      where.clauses.push(`(e.event_time, e.seq) > (${where.param(time)}::timestamptz, ${where.param(String(seq))}::bigint)`);
    }
    const rows = await this.query<StoredEvent>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM audit_events e WHERE ${where} ORDER BY e.event_time, e.seq LIMIT ${page.limit + 1}`,
      where.params,
    );
    const more = rows.length > page.limit;
    const events = rows.slice(0, page.limit);
    const last = events[events.length - 1];
    const own = new Where();
    const [{ revocations: found }] = await this.query<{ revocations: RevocationRow[] | null }>(revocationsSql(own.param(clientId), (v) => own.param(v)), own.params);
    const revocations = revocationStates(found, now);
    return {
      client_id: clientId,
      events: events.map(toView),
      next_cursor: more ? encodeCursor([last.event_time.toISOString(), last.seq], scope) : null,
      revocations,
      revoked: revocations.some((r) => r.status === 'active'),
    };
  }

  /**
   * Every client admitted (an allow decision) under `subject` in the window, by client id, with its
   * decisions in the window, the access checks since its first admission and its revocation state
   * now: one statement per page.
   */
  async incident(subject: Subject, filters: { from?: string; to?: string }, page: Page, now = new Date()): Promise<Incident> {
    const scope = { route: 'incident', ...subject, ...filters };
    const where = new Where();
    where.add((p) => `e.type = ${p}`, Topic.RegistrationDecided);
    where.clauses.push(`e.decision = 'allow'`);
    if (subject.kind === 'anchor') where.add((p) => `e.anchor = ${p}`, subject.value);
    else if (subject.kind === 'origin') where.add((p) => `e.origin = ${p}`, subject.value);
    else where.add((p) => `e.jkts @> ${p}::jsonb`, JSON.stringify([subject.value]));
    window(where, filters);
    if (page.cursor) {
      const [after] = decodeCursor(page.cursor, scope, 1);
      where.add((p) => `e.client_id > ${p}`, String(after));
    }
    const decided = new Where(where.params);
    decided.clauses.push('dec.client_id = c.client_id');
    decided.add((p) => `dec.type = ANY(${p}::text[])`, [Topic.RegistrationDecided, Topic.AccessChecked]);
    window(decided, filters, 'dec');
    const param = (value: unknown) => where.param(value);
    const rows = await this.query<{
      client_id: string;
      first: Date;
      last: Date;
      admissions: string;
      more: boolean;
      decisions: { seq: string; type: string; time: string; decision: string; policy_version: string | null; reasons: unknown }[] | null;
      checks: number;
      revocations: RevocationRow[] | null;
    }>(
      `WITH admitted AS (
         SELECT e.client_id, min(e.event_time) AS first, max(e.event_time) AS last, count(*)::text AS admissions
         FROM audit_events e WHERE ${where} GROUP BY e.client_id ORDER BY e.client_id LIMIT ${page.limit + 1}
       ), page AS (SELECT * FROM admitted ORDER BY client_id LIMIT ${page.limit})
       SELECT c.client_id, c.first, c.last, c.admissions, (SELECT count(*) FROM admitted) > ${page.limit} AS more, d.decisions, l.checks, r.revocations
       FROM page c
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_object('seq', x.seq::text, 'type', x.type, 'time', x.event_time, 'decision', x.decision, 'policy_version', x.policy_version, 'reasons', x.reasons)
                          ORDER BY x.event_time, x.seq) AS decisions
         FROM (SELECT dec.seq, dec.type, dec.event_time, dec.decision, dec.policy_version, dec.data -> 'reasons' AS reasons
               FROM audit_events dec WHERE ${decided} ORDER BY dec.event_time, dec.seq LIMIT ${DECISIONS_PER_CLIENT}) x
       ) d ON TRUE
       LEFT JOIN LATERAL (
         -- From the first admission on, at the millisecond (as the time is shown), by the client and time index.
         -- None counts 1, as the outer join this replaces did: kept so the answer does not change.
         SELECT COALESCE(sum(COALESCE((chk.data ->> 'count')::int, 1)), 1)::float8 AS checks FROM audit_events chk
         WHERE chk.client_id = c.client_id AND chk.event_time >= date_trunc('milliseconds', c.first) AND chk.type = ${param(Topic.AccessChecked)}
       ) l ON TRUE
       LEFT JOIN LATERAL (${revocationsSql('c.client_id', param)}) r ON TRUE
       ORDER BY c.client_id`,
      where.params,
    );
    const clients: IncidentClient[] = rows.map((c) => {
      const revocations = revocationStates(c.revocations, now);
      return {
        client_id: c.client_id,
        first_admitted_at: c.first.toISOString(),
        last_admitted_at: c.last.toISOString(),
        admissions: Number(c.admissions),
        decisions: (c.decisions ?? []).map((d) => ({ seq: d.seq, type: d.type, time: new Date(d.time).toISOString(), decision: d.decision, policy_version: d.policy_version, reasons: d.reasons })),
        later_access_checks: c.checks,
        revoked: revocations.some((r) => r.status === 'active'),
        revocations,
      };
    });
    return {
      subject,
      from: filters.from ?? null,
      to: filters.to ?? null,
      clients,
      next_cursor: rows[0]?.more ? encodeCursor([clients[clients.length - 1].client_id], scope) : null,
    };
  }
}
