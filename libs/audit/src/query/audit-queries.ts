import { Topic } from '@admit/contracts';
import { STORED_EVENT_COLUMNS, StoredEvent } from '../chain/stored-event';
import { SqlQuery } from '../sql-query';
import { decodeCursor, encodeCursor } from './cursor';
import { AuditEventView, toView } from './event-view';
import { EventFilters, Page } from './query-params';
import { RevocationView, revocationsOf, Subject } from './revocation-state';

export interface EventPage {
  events: AuditEventView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface Timeline extends EventPage {
  client_id: string;
  /** Every revocation recorded against the client (or its anchor, software, origin or keys), with its state now. */
  revocations: RevocationView[];
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
  revocations: RevocationView[];
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
  readonly params: unknown[] = [];
  readonly clauses: string[] = [];
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

function window(where: Where, filters: { from?: string; to?: string }): void {
  if (filters.from) where.add((p) => `e.event_time >= ${p}::timestamptz`, filters.from);
  if (filters.to) where.add((p) => `e.event_time < ${p}::timestamptz`, filters.to);
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
    if (filters.client_id) where.add((p) => `e.client_id = ${p}`, filters.client_id);
    if (filters.type) where.add((p) => `e.type = ${p}`, filters.type);
    window(where, filters);
    if (filters.anchor) where.add((p) => `e.anchor = ${p}`, filters.anchor);
    if (filters.origin) where.add((p) => `e.origin = ${p}`, filters.origin);
    if (filters.decision) where.add((p) => `e.decision = ${p}`, filters.decision);
    if (filters.policy_version) where.add((p) => `e.policy_version = ${p}`, filters.policy_version);
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
    const revocations = await revocationsOf(this.query, await this.subjectsOf([clientId]).then((m) => m.get(clientId) ?? []), now);
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
   * decisions in the window and its revocation state now.
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
    const admitted = await this.query<{ client_id: string; first: Date; last: Date; admissions: string }>(
      `SELECT e.client_id, min(e.event_time) AS first, max(e.event_time) AS last, count(*)::text AS admissions
       FROM audit_events e WHERE ${where} GROUP BY e.client_id ORDER BY e.client_id LIMIT ${page.limit + 1}`,
      where.params,
    );
    const more = admitted.length > page.limit;
    const clients = admitted.slice(0, page.limit);
    const ids = clients.map((c) => c.client_id);
    const decisions = await this.decisionsOf(ids, filters);
    const later = await this.laterChecksOf(clients.map((c) => ({ id: c.client_id, since: c.first })));
    const subjects = await this.subjectsOf(ids);
    const result: IncidentClient[] = [];
    for (const c of clients) {
      const revocations = await revocationsOf(this.query, subjects.get(c.client_id) ?? [], now);
      result.push({
        client_id: c.client_id,
        first_admitted_at: c.first.toISOString(),
        last_admitted_at: c.last.toISOString(),
        admissions: Number(c.admissions),
        decisions: decisions.get(c.client_id) ?? [],
        later_access_checks: later.get(c.client_id) ?? 0,
        revoked: revocations.some((r) => r.status === 'active'),
        revocations,
      });
    }
    return {
      subject,
      from: filters.from ?? null,
      to: filters.to ?? null,
      clients: result,
      next_cursor: more ? encodeCursor([clients[clients.length - 1].client_id], scope) : null,
    };
  }

  private async decisionsOf(ids: string[], filters: { from?: string; to?: string }): Promise<Map<string, IncidentClient['decisions']>> {
    const byClient = new Map<string, IncidentClient['decisions']>();
    if (ids.length === 0) return byClient;
    const where = new Where();
    where.add((p) => `e.client_id = ANY(${p}::text[])`, ids);
    where.add((p) => `e.type = ANY(${p}::text[])`, [Topic.RegistrationDecided, Topic.AccessChecked]);
    window(where, filters);
    const rows = await this.query<{ client_id: string; seq: string; type: string; event_time: Date; decision: string; policy_version: string | null; reasons: unknown }>(
      `SELECT client_id, seq, type, event_time, decision, policy_version, reasons FROM (
         SELECT e.client_id, e.seq::text AS seq, e.seq AS n, e.type, e.event_time, e.decision, e.policy_version, e.data -> 'reasons' AS reasons,
                row_number() OVER (PARTITION BY e.client_id ORDER BY e.event_time, e.seq) AS k
         FROM audit_events e WHERE ${where}) d
       WHERE k <= ${DECISIONS_PER_CLIENT} ORDER BY client_id, event_time, n`,
      where.params,
    );
    for (const r of rows) {
      const list = byClient.get(r.client_id) ?? [];
      list.push({ seq: r.seq, type: r.type, time: r.event_time.toISOString(), decision: r.decision, policy_version: r.policy_version, reasons: r.reasons });
      byClient.set(r.client_id, list);
    }
    return byClient;
  }

  /** Per client, the checks its access-check events stand for from `since` on (the client and time index). */
  private async laterChecksOf(clients: { id: string; since: Date }[]): Promise<Map<string, number>> {
    if (clients.length === 0) return new Map();
    const rows = await this.query<{ client_id: string; checks: number }>(
      `SELECT c.id AS client_id, COALESCE(sum(COALESCE((e.data ->> 'count')::int, 1)), 0)::float8 AS checks
       FROM unnest($1::text[], $2::timestamptz[]) AS c(id, since)
       LEFT JOIN audit_events e ON e.client_id = c.id AND e.event_time >= c.since AND e.type = $3
       GROUP BY c.id`,
      [clients.map((c) => c.id), clients.map((c) => c.since.toISOString()), Topic.AccessChecked],
    );
    return new Map(rows.map((r) => [r.client_id, r.checks]));
  }

  /** What a revocation could name each client by: its id, and the anchor, software, origin and keys it was admitted with. */
  private async subjectsOf(ids: string[]): Promise<Map<string, Subject[]>> {
    const subjects = new Map<string, Subject[]>(ids.map((id) => [id, [{ kind: 'client_id', value: id }]]));
    if (ids.length === 0) return subjects;
    const rows = await this.query<{ client_id: string; anchor: string | null; origin: string | null; software_id: string | null; jkts: unknown }>(
      `SELECT DISTINCT e.client_id, e.anchor, e.origin, e.data -> 'admission' ->> 'software_id' AS software_id, e.jkts
       FROM audit_events e WHERE e.client_id = ANY($1::text[]) AND e.type = $2 AND e.decision = 'allow'`,
      [ids, Topic.RegistrationDecided],
    );
    for (const r of rows) {
      const list = subjects.get(r.client_id)!;
      const add = (kind: Subject['kind'], value: unknown) => {
        if (typeof value === 'string' && !list.some((s) => s.kind === kind && s.value === value)) list.push({ kind, value });
      };
      add('anchor', r.anchor);
      add('origin', r.origin);
      add('software_id', r.software_id);
      if (Array.isArray(r.jkts)) for (const jkt of r.jkts) add('jkt', jkt);
    }
    return subjects;
  }
}
