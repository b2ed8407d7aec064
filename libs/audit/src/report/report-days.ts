import { Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';
import { ReportWindow } from './evidence-report';

const DAY_MS = 86_400_000;
const DECIDED = `'${Topic.RegistrationDecided}'`;
const VALIDATED = `'${Topic.RegistrationValidated}'`;
const CHECKED = `'${Topic.AccessChecked}'`;
/** Allow decisions: admissions. */
const ADMITTED = `e.type = ${DECIDED} AND e.decision = 'allow'`;
/** Deny decisions and deny access checks. */
const DENIED = `e.type IN (${DECIDED}, ${CHECKED}) AND e.decision = 'deny'`;

/** How many checks or decisions an event stands for: an aggregated access check (unknown clients) carries its `count`. */
export const CHECKS = `COALESCE((e.data ->> 'count')::int, 1)`;

/**
 * The whole UTC days of a report's window that have ended, whose figures the report reads from
 * `audit_report_days`: the rows `ids`, one a day, current when the report began; `from` = `to` (the
 * window's end) when it reads none.
 */
export interface RolledUp {
  from: string;
  to: string;
  ids: string[];
}

/** No stored day: every event of the window is read. */
export const liveOnly = (window: ReportWindow): RolledUp => ({ from: window.to, to: window.to, ids: [] });

/**
 * The statements of the report take `$1` `from`, `$2` `to`, `$3` and `$4` the stored days' bounds and
 * `$5` their rows' ids. LIVE selects the window's events outside those days, which are computed from
 * the events; `stored(column)` the stored rows (by `audit_report_days.id`, or a day client's `day_id`).
 */
export const LIVE = `((e.event_time >= $1::timestamptz AND e.event_time < $3::timestamptz) OR (e.event_time >= $4::timestamptz AND e.event_time < $2::timestamptz))`;
export const stored = (column: string, param = 5) => `${column} = ANY($${param}::bigint[])`;

/**
 * Each figure of the events a `range` (a predicate on `e`) selects, in a shape that adds up across
 * ranges: the report sums the stored days' rows and the live rows of the same statements.
 */
export const partials = {
  /**
   * Admissions by source, and how many were backed: the validation of the same request (same
   * correlation id) stored the digest of a fetched document, of a verified statement, of a trust
   * chain's statements, of a JWT-SVID or of a client attestation.
   */
  sources: (range: string) => `
    SELECT COALESCE(e.data -> 'admission' ->> 'source', 'unknown') AS source, count(*) AS admissions,
           count(*) FILTER (WHERE v.statement) AS signed, count(*) FILTER (WHERE v.document) AS fetched,
           count(*) FILTER (WHERE v.statement OR v.document) AS backed
    FROM audit_events e
    LEFT JOIN LATERAL (
      SELECT bool_or(x.data -> 'evidence' -> 'statement' IS NOT NULL OR x.data -> 'evidence' -> 'federation' IS NOT NULL OR x.data -> 'evidence' -> 'spiffe' IS NOT NULL OR x.data -> 'evidence' -> 'client_attestation' IS NOT NULL) AS statement, bool_or(x.data -> 'evidence' -> 'document' IS NOT NULL) AS document
      FROM audit_events x
      WHERE x.correlation_id = e.correlation_id AND x.type = ${VALIDATED} AND x.client_id = e.client_id AND x.data ->> 'outcome' = 'valid'
    ) v ON TRUE
    WHERE ${ADMITTED} AND ${range}
    GROUP BY 1`,
  /** Per client (null: events without one, as GROUP BY has them): its admissions and its access check events. */
  clients: (range: string) => `
    SELECT e.client_id, count(*) FILTER (WHERE e.type = ${DECIDED}) AS admissions, count(*) FILTER (WHERE e.type = ${CHECKED}) AS access_events
    FROM audit_events e WHERE ((${ADMITTED}) OR e.type = ${CHECKED}) AND ${range} GROUP BY e.client_id`,
  access: (range: string) => `
    SELECT COALESCE(sum(${CHECKS}), 0) AS total, COALESCE(sum(${CHECKS}) FILTER (WHERE e.data ->> 'path' = 'local'), 0) AS local,
           COALESCE(sum(${CHECKS}) FILTER (WHERE e.data ->> 'path' = 'pipeline'), 0) AS pipeline,
           COALESCE(sum(${CHECKS}) FILTER (WHERE e.decision = 'allow'), 0) AS allow, COALESCE(sum(${CHECKS}) FILTER (WHERE e.decision = 'deny'), 0) AS deny
    FROM audit_events e WHERE e.type = ${CHECKED} AND ${range}`,
  denials: (range: string) => `SELECT COALESCE(sum(${CHECKS}), 0) AS denials FROM audit_events e WHERE ${DENIED} AND ${range}`,
  /** An event counts once under each code it names; one without reasons (a default deny) under `none`. */
  reasons: (range: string) => `
    SELECT COALESCE(reason ->> 'code', 'none') AS code, count(*) FILTER (WHERE e.type = ${DECIDED}) AS registrations,
           COALESCE(sum(${CHECKS}) FILTER (WHERE e.type = ${CHECKED}), 0) AS access_checks, sum(${CHECKS}) AS total
    FROM audit_events e
    LEFT JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(e.data -> 'reasons') WHEN 'array' THEN e.data -> 'reasons' ELSE '[]'::jsonb END) reason ON TRUE
    WHERE ${DENIED} AND ${range}
    GROUP BY 1`,
  /** The chart's series, bucketed by `bin` (an SQL expression); admissions need only the (type, decision, time) index. */
  admitted: (range: string, bin: string) => `SELECT ${bin} AS start, count(*) AS n FROM audit_events e WHERE ${ADMITTED} AND ${range} GROUP BY 1`,
  denied: (range: string, bin: string) => `SELECT ${bin} AS start, sum(${CHECKS}) AS n FROM audit_events e WHERE ${DENIED} AND ${range} GROUP BY 1`,
};

/** `$1`: the day's first instant (UTC midnight). Days are 24 hours: intervals in hours ignore the session's time zone. */
const DAY = `e.event_time >= $1::timestamptz AND e.event_time < $1::timestamptz + interval '24 hours'`;
/** Validations of the day before `$1`: an admission's backing reads its validation, which may fall just before midnight. */
const VALIDATED_BEFORE = `e.type = ${VALIDATED} AND e.event_time >= $1::timestamptz - interval '24 hours' AND e.event_time < $1::timestamptz`;
const hourly = (figure: string) =>
  `ARRAY(SELECT COALESCE((SELECT f.n FROM ${figure} f WHERE f.start = $1::timestamptz + g * interval '1 hour'), 0) FROM generate_series(0, 23) g ORDER BY g)`;

/**
 * Computes one day and stores it as a new row, in one statement (one snapshot): its figures and the
 * counts they were computed from. Answers the row's id.
 */
const STORE_DAY = `
  WITH src AS (${partials.sources(DAY)}),
       rsn AS (${partials.reasons(DAY)}),
       acc AS (${partials.access(DAY)}),
       adm AS (${partials.admitted(DAY, `date_bin('1 hour', e.event_time, $1::timestamptz)`)}),
       den AS (${partials.denied(DAY, `date_bin('1 hour', e.event_time, $1::timestamptz)`)}),
       day AS (
         INSERT INTO audit_report_days (day, events, validated_before, access_total, access_local, access_pipeline, access_allow, access_deny,
                                        denials, sources, reasons, hour_admissions, hour_denials)
         SELECT $1::timestamptz,
                (SELECT count(*) FROM audit_events e WHERE ${DAY}),
                (SELECT count(*) FROM audit_events e WHERE ${VALIDATED_BEFORE}),
                acc.total, acc.local, acc.pipeline, acc.allow, acc.deny,
                (SELECT COALESCE(sum(n), 0) FROM den),
                (SELECT COALESCE(jsonb_object_agg(source, jsonb_build_array(admissions, signed, fetched, backed)), '{}') FROM src),
                (SELECT COALESCE(jsonb_object_agg(code, jsonb_build_array(registrations, access_checks, total)), '{}') FROM rsn),
                ${hourly('adm')}, ${hourly('den')}
         FROM acc
         RETURNING id
       ),
       clients AS (
         INSERT INTO audit_report_day_clients (day_id, client_id, admissions, access_events)
         SELECT day.id, c.client_id, c.admissions, c.access_events FROM day, (${partials.clients(DAY)}) c
       )
  SELECT id::text AS id FROM day`;

/**
 * The window's whole UTC days that ended before `now`, each with a stored row that is current: one
 * computed from as many events of the day (and validations of the day before) as it holds now, or a
 * new one. The trail is append-only, so the same count means the same events. A row that is no
 * longer current is deleted an hour later, once no report that began with it can still read it. A
 * connection that may not write (a read-only transaction, a standby) gets every day live.
 */
export async function rolledUpDays(query: SqlQuery, window: ReportWindow, now: Date): Promise<RolledUp> {
  const first = Math.ceil(Date.parse(window.from) / DAY_MS) * DAY_MS;
  const end = Math.min(Math.floor(Date.parse(window.to) / DAY_MS), Math.floor(now.getTime() / DAY_MS)) * DAY_MS;
  if (end <= first) return liveOnly(window);
  const days = { from: new Date(first).toISOString(), to: new Date(end).toISOString() };
  try {
    return { ...days, ids: await currentRows(query, days) };
  } catch (err) {
    if ((err as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE || (err as { code?: unknown }).code === READ_ONLY_TRANSACTION) return liveOnly(window);
    throw err;
  }
}

/** How long a row that is no longer current is kept: longer than any report that began with it takes. */
const KEPT = `interval '1 hour'`;
const INSUFFICIENT_PRIVILEGE = '42501';
const READ_ONLY_TRANSACTION = '25006';

async function currentRows(query: SqlQuery, days: { from: string; to: string }): Promise<string[]> {
  const params = [days.from, days.to];
  const byDay = async (sql: string) =>
    new Map((await query<{ day: Date; n: number }>(sql, params)).map((r) => [r.day.getTime(), r.n]));
  // Index-only counts: the events of each day, and the validations of each day before.
  const events = await byDay(
    `SELECT date_bin('24 hours', e.event_time, $1::timestamptz) AS day, count(*)::float8 AS n
     FROM audit_events e WHERE e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz GROUP BY 1`,
  );
  const validated = await byDay(
    `SELECT date_bin('24 hours', e.event_time, $1::timestamptz) + interval '24 hours' AS day, count(*)::float8 AS n
     FROM audit_events e WHERE e.type = ${VALIDATED} AND e.event_time >= $1::timestamptz - interval '24 hours' AND e.event_time < $2::timestamptz - interval '24 hours' GROUP BY 1`,
  );
  const rows = await query<{ id: string; day: Date; events: number; validated_before: number; old: boolean }>(
    `SELECT d.id::text AS id, d.day, d.events::float8 AS events, d.validated_before::float8 AS validated_before, d.computed_at < now() - ${KEPT} AS old
     FROM audit_report_days d WHERE d.day >= $1::timestamptz AND d.day < $2::timestamptz ORDER BY d.id`,
    params,
  );
  const current = new Map<number, string>();
  for (const row of rows) {
    const t = row.day.getTime();
    if (row.events === (events.get(t) ?? 0) && row.validated_before === (validated.get(t) ?? 0)) current.set(t, row.id);
  }
  const ids: string[] = [];
  for (let t = Date.parse(days.from); t < Date.parse(days.to); t += DAY_MS) {
    ids.push(current.get(t) ?? (await query<{ id: string }>(STORE_DAY, [new Date(t).toISOString()]))[0].id);
  }
  if (rows.some((row) => row.old && !ids.includes(row.id))) {
    await query(
      `DELETE FROM audit_report_days d WHERE d.day >= $1::timestamptz AND d.day < $2::timestamptz AND NOT (${stored('d.id', 3)}) AND d.computed_at < now() - ${KEPT}`,
      [...params, ids],
    );
  }
  return ids;
}
