import { Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';
import { ReportWindow } from './evidence-report';

/** Admissions and denials per bucket of the window: the series the report's first chart draws. */
export interface ReportSeries {
  /** `hour` for windows up to 3 days, `day` up to 200 days, `week` beyond. */
  bucket: 'hour' | 'day' | 'week';
  /** The bucket's length: a week, or longer when a window would need more than 400 of them. */
  bucket_seconds: number;
  points: { start: string; admissions: number; denials: number }[];
}

const HOUR = 3_600_000;

export function bucketOf(window: ReportWindow): ReportSeries['bucket'] {
  const span = Date.parse(window.to) - Date.parse(window.from);
  return span <= 72 * HOUR ? 'hour' : span <= 200 * 24 * HOUR ? 'day' : 'week';
}

/**
 * One aggregate over the window's decisions and access checks (the indexed type and time columns),
 * bucketed by the database from `from`; empty buckets are filled in here, so the chart's axis is even.
 */
export async function reportSeries(query: SqlQuery, window: ReportWindow): Promise<ReportSeries> {
  const bucket = bucketOf(window);
  const span = Date.parse(window.to) - Date.parse(window.from);
  const step = Math.max(bucket === 'hour' ? HOUR : bucket === 'day' ? 24 * HOUR : 7 * 24 * HOUR, Math.ceil(span / 400 / (24 * HOUR)) * 24 * HOUR);
  const rows = await query<{ start: Date; admissions: number; denials: number }>(
    `SELECT date_bin($3::interval, e.event_time, $1::timestamptz) AS start,
            count(*) FILTER (WHERE e.type = $4 AND e.decision = 'allow')::float8 AS admissions,
            COALESCE(sum(COALESCE((e.data ->> 'count')::int, 1)) FILTER (WHERE e.decision = 'deny'), 0)::float8 AS denials
     FROM audit_events e
     WHERE e.type IN ($4, $5) AND e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz
     GROUP BY 1`,
    [window.from, window.to, `${step / 1000} seconds`, Topic.RegistrationDecided, Topic.AccessChecked],
  );
  const byStart = new Map(rows.map((r) => [r.start.getTime(), r]));
  const points: ReportSeries['points'] = [];
  for (let t = Date.parse(window.from); t < Date.parse(window.to); t += step) {
    const r = byStart.get(t);
    points.push({ start: new Date(t).toISOString(), admissions: r?.admissions ?? 0, denials: r?.denials ?? 0 });
  }
  return { bucket, bucket_seconds: step / 1000, points };
}
