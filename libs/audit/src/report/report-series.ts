import { Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';
import { ReportWindow } from './evidence-report';

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
 * filled in here, so the chart's axis is even.
 */
export async function reportSeries(query: SqlQuery, window: ReportWindow): Promise<ReportSeries> {
  const bucket = bucketOf(window);
  const span = Date.parse(window.to) - Date.parse(window.from);
  const base = bucket === 'hour' ? HOUR : bucket === 'day' ? 24 * HOUR : 7 * 24 * HOUR;
  // At most 400 buckets: a longer window gets buckets of several weeks.
  const step = base * Math.max(1, Math.ceil(span / (400 * base)));
  // Two statements, each over its own index range: admissions need only the (type, decision, time)
  // index; denials, a small share, are the only rows whose data is read (an aggregated check's count).
  const bin = `date_bin($3::interval, e.event_time, $1::timestamptz)`;
  const inWindow = `e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz`;
  const params = [window.from, window.to, `${step / 1000} seconds`];
  const admitted = await query<{ start: Date; n: number }>(
    `SELECT ${bin} AS start, count(*)::float8 AS n FROM audit_events e WHERE e.type = $4 AND e.decision = 'allow' AND ${inWindow} GROUP BY 1`,
    [...params, Topic.RegistrationDecided],
  );
  const denied = await query<{ start: Date; n: number }>(
    `SELECT ${bin} AS start, sum(COALESCE((e.data ->> 'count')::int, 1))::float8 AS n FROM audit_events e
     WHERE e.type IN ($4, $5) AND e.decision = 'deny' AND ${inWindow} GROUP BY 1`,
    [...params, Topic.RegistrationDecided, Topic.AccessChecked],
  );
  const rows = new Map<number, { admissions: number; denials: number }>();
  for (const r of admitted) rows.set(r.start.getTime(), { admissions: r.n, denials: 0 });
  for (const r of denied) rows.set(r.start.getTime(), { admissions: rows.get(r.start.getTime())?.admissions ?? 0, denials: r.n });
  const points: ReportSeries['points'] = [];
  for (let t = Date.parse(window.from); t < Date.parse(window.to); t += step) {
    const r = rows.get(t);
    points.push({ start: new Date(t).toISOString(), admissions: r?.admissions ?? 0, denials: r?.denials ?? 0 });
  }
  return { bucket, bucket_seconds: step / 1000, points };
}
