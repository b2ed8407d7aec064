import { SqlQuery } from '../sql-query';
import { buildEvidenceReport } from './build-evidence-report';
import { EvidenceReport, ReportWindow } from './evidence-report';
import { partials, RolledUp, rolledUpDays, stored } from './report-days';

/** Admissions and denials per bucket of the window: the series the report's first chart draws. */
export interface ReportSeries {
  /** `hour` for windows up to 3 days, `day` up to 200 days, `week` beyond. */
  bucket: 'hour' | 'day' | 'week';
  /** The bucket's length: an hour, a day or a week, or several weeks when a window would need more than 400. */
  bucket_seconds: number;
  points: { start: string; admissions: number; denials: number }[];
}

const HOUR = 3_600_000;

export function bucketOf(window: ReportWindow): ReportSeries['bucket'] {
  const span = Date.parse(window.to) - Date.parse(window.from);
  return span <= 72 * HOUR ? 'hour' : span <= 200 * 24 * HOUR ? 'day' : 'week';
}

/**
 * Admissions and denials of the window bucketed by the database from `from`; empty buckets are
 * filled in here, so the chart's axis is even. The window's whole days that have ended are summed
 * from their stored hours (see rolledUpDays), except an hour a bucket starts inside of (when `from`
 * is not on the hour); those hours and the window's other days are binned from the events.
 */
export async function reportSeries(query: SqlQuery, window: ReportWindow, now = new Date(), days?: RolledUp): Promise<ReportSeries> {
  const bucket = bucketOf(window);
  const from = Date.parse(window.from);
  const span = Date.parse(window.to) - from;
  const base = bucket === 'hour' ? HOUR : bucket === 'day' ? 24 * HOUR : 7 * 24 * HOUR;
  // At most 400 buckets: a longer window gets buckets of several weeks.
  const step = base * Math.max(1, Math.ceil(span / (400 * base)));
  const rolled = days ?? (await rolledUpDays(query, window, now));
  // Stored days start and end on the hour, so each of their hours is either cut by a bucket's start or not.
  const cut: number[] = [];
  for (let start = from + step; start < Date.parse(rolled.to); start += step) {
    const hour = Math.floor(start / HOUR) * HOUR;
    if (hour !== start && hour >= Date.parse(rolled.from)) cut.push(hour);
  }
  const live = [[window.from, rolled.from], [rolled.to, window.to], ...cut.map((h) => [new Date(h).toISOString(), new Date(h + HOUR).toISOString()])];
  const interval = `${step / 1000} seconds`;
  // The live events range by range, each an index range scan (the aggregate in the lateral keeps
  // it apart from the ranges): admissions read only the (type, decision, time) index; denials, a
  // small share, are the only events whose data is read (an aggregated check's count).
  const inRange = `e.event_time >= r.f AND e.event_time < r.t`;
  const liveBins = (partial: string) =>
    query<{ start: Date; n: number }>(
      `SELECT p.start, sum(p.n)::float8 AS n FROM unnest($3::timestamptz[], $4::timestamptz[]) AS r(f, t) CROSS JOIN LATERAL (${partial}) p GROUP BY 1`,
      [window.from, interval, live.map(([f]) => f), live.map(([, t]) => t)],
    );
  const bin = `date_bin($2::interval, e.event_time, $1::timestamptz)`;
  const admitted = await liveBins(partials.admitted(inRange, bin));
  const denied = await liveBins(partials.denied(inRange, bin));
  const hours = await query<{ start: Date; admissions: number; denials: number }>(
    `SELECT date_bin($2::interval, h.start, $1::timestamptz) AS start, sum(h.admissions)::float8 AS admissions, sum(h.denials)::float8 AS denials
     FROM audit_report_days d
     CROSS JOIN LATERAL unnest(d.hour_admissions, d.hour_denials) WITH ORDINALITY AS u(admissions, denials, i)
     CROSS JOIN LATERAL (SELECT d.day + (u.i - 1) * interval '1 hour' AS start, u.admissions, u.denials) h
     WHERE ${stored('d.id', 3)} AND NOT (h.start = ANY ($4::timestamptz[]))
     GROUP BY 1`,
    [window.from, interval, rolled.ids, cut.map((h) => new Date(h).toISOString())],
  );
  const rows = new Map<number, { admissions: number; denials: number }>();
  const add = (start: Date, admissions: number, denials: number) => {
    const r = rows.get(start.getTime()) ?? { admissions: 0, denials: 0 };
    rows.set(start.getTime(), { admissions: r.admissions + admissions, denials: r.denials + denials });
  };
  for (const r of admitted) add(r.start, r.n, 0);
  for (const r of denied) add(r.start, 0, r.n);
  for (const r of hours) add(r.start, r.admissions, r.denials);
  const points: ReportSeries['points'] = [];
  for (let t = Date.parse(window.from); t < Date.parse(window.to); t += step) {
    const r = rows.get(t);
    points.push({ start: new Date(t).toISOString(), admissions: r?.admissions ?? 0, denials: r?.denials ?? 0 });
  }
  return { bucket, bucket_seconds: step / 1000, points };
}

/** The report and its chart series, over the same stored days (made current once). */
export async function reportWithSeries(query: SqlQuery, window: ReportWindow, now = new Date()): Promise<{ report: EvidenceReport; series: ReportSeries }> {
  const days = await rolledUpDays(query, window, now);
  return { report: await buildEvidenceReport(query, window, now, days), series: await reportSeries(query, window, now, days) };
}
