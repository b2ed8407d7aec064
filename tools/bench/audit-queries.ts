/**
 * The auditor's queries at scale: a database of its own, migrated, seeded with BENCH_AUDIT_QUERY_EVENTS
 * synthetic events (1,000,000 by default) spread over 30 days, then each console page's query (the
 * same AuditQueries, report and verification code) and each query of docs/auditor-sql.md (as the role
 * admit_auditor) timed, 5 runs each. Target: under 1 s at 1M events. `npm run bench -- audit-queries`.
 */
import 'reflect-metadata';
import { AUDIT_MIGRATIONS, AUDITOR_ROLE, AuditQueries, reportWithSeries, sqlOf, verifyChains } from '@admit/audit';
import { dropDatabase, ensureDatabase, ROOT } from '@admit/launcher';
import { createDataSource, ensureGroupRole, migrate, POSTGRES_SESSION_OPTIONS } from '@admit/store';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Figure, figure, timeSequential } from './figures';
import { bench, BENCH_SERVER_URL as SERVER_URL } from './bench-config';

const EVENTS = bench.BENCH_AUDIT_QUERY_EVENTS;
const RUNS = 5;
const TARGET_MS = 1_000;
const DAY = 86_400_000;
/** The documented queries' window and values, so the doc's SQL runs unchanged against the seeded data. */
const T0 = Date.parse('2026-03-02T00:00:00Z');

/**
 * One statement seeds everything (generate_series), in shares close to a busy deployment: per 100
 * events, 10 requested, 10 validated, 10 decided (8 allow, 2 deny), 68 access checks (6 denied), one
 * admin action, and one revocation every 100,000. 2,000 clients under 20 anchors; one anchor
 * (`acme-directory`) holds a tenth of them.
 */
const SEED = `
INSERT INTO audit_events (event_id, type, source, subject, correlation_id, event_time, topic, partition, "offset", data)
SELECT 'bench-' || i, t.type, '/bench', 'c_' || (i % 2000), 'x' || (i / 10), $1::timestamptz + (i::float8 / $2) * $3::int * interval '1 day', t.type, (i % 6), i,
  CASE t.type
    WHEN 'admit.registration.decided.v1' THEN jsonb_build_object('client_id', 'c_' || (i % 2000), 'decision', CASE WHEN i % 5 = 0 THEN 'deny' ELSE 'allow' END,
      'policy_version', 'sha256:' || repeat(CASE WHEN i > $2 / 2 THEN '2' ELSE '1' END, 64), 'determining_policies', '[]'::jsonb,
      'reasons', CASE WHEN i % 5 = 0 THEN '[{"code":"invalid_software_statement","description":"x"}]'::jsonb ELSE '[]'::jsonb END,
      'admission', CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('source', 'software_statement',
        'anchor', CASE WHEN i % 2000 < 200 THEN 'acme-directory' ELSE 'anchor-' || (i % 20) END, 'software_id', 'sw' || (i % 2000),
        'jkts', jsonb_build_array(substr(md5('k' || (i % 2000)) || md5('k' || (i % 2000)), 1, 43))) END, 'decided_at', '2026-03-02T00:00:00Z')
    WHEN 'admit.registration.validated.v1' THEN jsonb_build_object('client_id', 'c_' || (i % 2000), 'source', 'software_statement', 'outcome', 'valid',
      'evidence', jsonb_build_object('statement', jsonb_build_object('sha256', md5(i::text))), 'anchor', CASE WHEN i % 2000 < 200 THEN 'acme-directory' ELSE 'anchor-' || (i % 20) END)
    WHEN 'admit.access.checked.v1' THEN jsonb_build_object('check_id', 'k' || i, 'client_id', 'c_' || (i % 2000), 'action', 'payments:write',
      'decision', CASE WHEN i % 11 = 0 THEN 'deny' ELSE 'allow' END, 'reasons', CASE WHEN i % 11 = 0 THEN '[{"code":"revoked:client_id","description":"x"}]'::jsonb ELSE '[]'::jsonb END,
      'policy_version', 'sha256:' || repeat('1', 64), 'path', 'local', 'checked_at', '2026-03-02T00:00:00Z')
    WHEN 'admit.revocations.v1' THEN jsonb_build_object('id', 'r' || i, 'kind', 'client_id', 'value', 'c_' || (i % 2000), 'reason', 'bench', 'actor', 'bench', 'created_at', '2026-03-02T00:00:00Z')
    ELSE jsonb_build_object('actor', 'bench', 'action', 'audit.read', 'target', '/audit/events', 'details', '{}'::jsonb, 'at', '2026-03-02T00:00:00Z')
  END
FROM generate_series(1, $2) AS i
CROSS JOIN LATERAL (SELECT CASE
  WHEN i % 100000 = 0 THEN 'admit.revocations.v1'
  WHEN i % 100 < 10 THEN 'admit.registration.requested.v1'
  WHEN i % 100 < 20 THEN 'admit.registration.validated.v1'
  WHEN i % 100 < 30 THEN 'admit.registration.decided.v1'
  WHEN i % 100 < 98 THEN 'admit.access.checked.v1'
  ELSE 'admit.admin.actions.v1' END AS type) t`;

/**
 * A migrated database of its own (`admit_bench_<label>_…`), seeded with `events` synthetic events
 * (SEED) spread evenly over `days` days from `start`, vacuumed and analyzed; dropped after `work`.
 */
export async function withSeededAuditDatabase<T>(label: string, events: number, days: number, start: Date, work: (pg: Client, seededS: number, url: string) => Promise<T>): Promise<T> {
  const suffix = randomBytes(4).toString('hex');
  const url = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_${label}_${suffix}` }).toString();
  await ensureDatabase(url);
  // Sessions as the services open them (and as docs/auditor-sql.md asks of an auditor's role): JIT off.
  const pg = new Client({ connectionString: url, options: POSTGRES_SESSION_OPTIONS });
  try {
    await pg.connect();
    await ensureGroupRole((sql) => pg.query(sql), AUDITOR_ROLE);
    const ds = await createDataSource({ url }).initialize();
    await migrate(ds, AUDIT_MIGRATIONS);
    await ds.destroy();
    const seeding = performance.now();
    // The seeded days' partitions, as the audit service would have made them ahead of time.
    await pg.query(`SELECT audit_partition_ensure(d::date) FROM generate_series($1::date, $1::date + $2::int, interval '1 day') d`, [start.toISOString().slice(0, 10), days]);
    await pg.query(SEED, [start.toISOString(), events, days]);
    // Every stored event's id, as the audit writer keeps it for dedupe.
    await pg.query('INSERT INTO audit_event_ids (event_id, seq, event_time) SELECT event_id, seq, event_time FROM audit_events');
    // As autovacuum leaves a store that has run a while: statistics, and a visibility map for index-only scans.
    await pg.query('VACUUM ANALYZE audit_events');
    return await work(pg, (performance.now() - seeding) / 1000, url);
  } finally {
    await pg.end().catch(() => undefined);
    await dropDatabase(url);
  }
}

export function auditQueryFigures(): Promise<Figure[]> {
  return withSeededAuditDatabase('queries', EVENTS, 30, new Date(T0 - 7 * DAY), async (pg, seededS) => {
    const sql = sqlOf(pg);
    const queries = new AuditQueries(sql);
    const week = { from: new Date(T0).toISOString(), to: new Date(T0 + 7 * DAY).toISOString() };
    const month = { from: new Date(T0 - 7 * DAY).toISOString(), to: new Date(T0 + 23 * DAY).toISOString() };
    const page = { limit: 50 };
    // The report's whole days are stored by the first report that reads them; partial days are computed live.
    const noon = { from: new Date(T0 - 7 * DAY + DAY / 2).toISOString(), to: new Date(T0 + 23 * DAY - DAY / 2).toISOString() };
    const offHour = { from: new Date(T0 - 7 * DAY + 317 * 60_000).toISOString(), to: month.to };
    const pages: [string, () => Promise<unknown>][] = [
      ['console events: first page, no filter', () => queries.events({}, page)],
      ['console events: anchor + 7 days', () => queries.events({ anchor: 'acme-directory', ...week }, page)],
      ['console events: denials + 7 days', () => queries.events({ decision: 'deny', ...week }, page)],
      ['console timeline: one client', () => queries.timeline('c_7', {}, page)],
      ['console incident: large anchor, no window', () => queries.incident({ kind: 'anchor', value: 'acme-directory' }, {}, page)],
      ['console incident: anchor + 7 days', () => queries.incident({ kind: 'anchor', value: 'acme-directory' }, week, page)],
      ['console report: 7 days (with chart series)', () => reportWithSeries(sql, week)],
      ['console report: 30 days (with chart series)', () => reportWithSeries(sql, month)],
      ['console report: 30 days from noon to noon (two partial days live)', () => reportWithSeries(sql, noon)],
      ['console report: 30 days from 05:17 (the hour each bucket starts in live)', () => reportWithSeries(sql, offHour)],
      ['console verify from latest checkpoint', () => verifyChains(sql, { from: 'latest-checkpoint' })],
    ];
    const figures: Figure[] = [];
    const time = async (name: string, op: () => Promise<unknown>) => {
      await op();
      const { latencies } = await timeSequential(RUNS, op);
      const f = figure(`audit queries @${EVENTS.toLocaleString('en')}: ${name}`, latencies, { target: '< 1 s' });
      f.met = f.p99 < TARGET_MS;
      figures.push(f);
    };
    const first = performance.now();
    await reportWithSeries(sql, month);
    figures.push(figure(`audit queries @${EVENTS.toLocaleString('en')}: console report: 30 days, the first time (computes and stores its 30 days)`, [performance.now() - first], { target: 'once' }));
    for (const [name, op] of pages) await time(name, op);
    const doc = readFileSync(join(ROOT, 'docs', 'auditor-sql.md'), 'utf8');
    const documented = [...doc.matchAll(/^### (\d+)\. (.*)\n[\s\S]*?^```sql\n([\s\S]*?)^```$/gm)];
    await pg.query(`SET ROLE ${AUDITOR_ROLE}`);
    for (const [, n, title, text] of documented) await time(`auditor SQL ${n}: ${title}`, () => pg.query(text));
    await pg.query('RESET ROLE');
    figures[0].detail = { seeded_events: EVENTS, seeding_s: Math.round(seededS) };
    return figures;
  });
}
