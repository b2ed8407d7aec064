// Real: PostgreSQL (databases of their own: one copied from the migrated template, one migrated step by
// step) and PGlite, the migrations, the audit service's chain writer, queries and verification, the
// owner and app roles. Nothing stubbed.
import { AUDIT_PARTITION_DAYS_AHEAD, AuditModule, AuditQueries, ChainWriter, ensurePartitions, SqlQuery, sqlOf, verifyChains } from '@admit/audit';
import { BusModule, InProcessBroker, inProcessTransport } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { KeysModule } from '@admit/keys';
import { AdminAuthModule } from '@admit/platform';
import { createDataSource, StoreModule } from '@admit/store';
import { NestFactory } from '@nestjs/core';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { asRole, createTestDatabase, databaseUrl, TestDatabase, TEST_APP_ROLE, TEST_OWNER_ROLE, withServer } from '../support/database';
import { decided, migrateHoldingEvents } from '../support/partition-migration';

const at = (iso: string) => new Date(iso);

/** The partitions a statement's plan reads, by name; with `aliases`, only those read as one of these (`e` also stands for `e_1`, …). */
async function scanned(client: Client, sql: string, params: unknown[], aliases?: string[]): Promise<string[]> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const names = new Set<string>();
  const walk = (node: Record<string, unknown>) => {
    const through = !aliases || aliases.includes(String(node.Alias).replace(/_\d+$/, ''));
    if (typeof node['Relation Name'] === 'string' && node['Relation Name'].startsWith('audit_events') && through) names.add(node['Relation Name']);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(rows[0]['QUERY PLAN'][0].Plan);
  return [...names].sort();
}

/** How many times each audit_events partition was read (EXPLAIN ANALYZE), by name, and the rows the statement returned. */
async function partitionReads(client: Client, sql: string, params: unknown[]): Promise<{ reads: Map<string, number>; rows: number }> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const reads = new Map<string, number>();
  const walk = (node: Record<string, unknown>) => {
    const name = node['Relation Name'];
    if (typeof name === 'string' && name.startsWith('audit_events') && Number(node['Actual Loops']) > 0) reads.set(name, (reads.get(name) ?? 0) + Number(node['Actual Loops']));
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(rows[0]['QUERY PLAN'][0].Plan);
  return { reads, rows: Number(rows[0]['QUERY PLAN'][0].Plan['Actual Rows']) };
}

describe('time-partitioned audit_events', () => {
  let db: TestDatabase;
  let su: Client;
  let app: Client;
  let ds: DataSource;
  let writer: ChainWriter;
  let offset = 0;
  const append = (events: CloudEvent[], partition = 0) => writer.append(Topic.RegistrationDecided, partition, events.map((event) => ({ event, offset: String(offset++) })));
  const partitionOf = async (eventId: string) =>
    (await su.query(`SELECT e.tableoid::regclass::text AS part FROM audit_events e WHERE e.event_id = $1`, [eventId])).rows.map((r) => r.part as string);

  beforeAll(async () => {
    db = await createTestDatabase('partitions');
    su = new Client({ connectionString: db.url });
    app = new Client({ connectionString: db.appUrl });
    await Promise.all([su.connect(), app.connect()]);
    ds = await createDataSource({ url: db.appUrl }).initialize();
    writer = new ChainWriter(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await Promise.all([su?.end(), app?.end()]);
    await db?.drop();
  });

  it('the app role creates the coming days\' partitions through audit_partition_ensure; they are the owner\'s, and only the owner drops one', async () => {
    const created = await ensurePartitions(sqlOf(app), at('2030-01-02T12:00:00Z'));
    expect(created).toEqual(['2030-01-02', '2030-01-03', '2030-01-04', '2030-01-05', '2030-01-06', '2030-01-07', '2030-01-08', '2030-01-09']);
    expect(await ensurePartitions(sqlOf(app), at('2030-01-02T23:00:00Z'))).toEqual([]);
    const { rows } = await su.query(`SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_class c WHERE c.relname = 'audit_events_p20300102'`);
    expect(rows).toEqual([{ relname: 'audit_events_p20300102', owner: TEST_OWNER_ROLE, bound: "FOR VALUES FROM ('2030-01-02 00:00:00+00') TO ('2030-01-03 00:00:00+00')" }]);
    await expect(app.query(`SELECT audit_partition_drop('2030-01-09')`)).rejects.toMatchObject({ code: '42501', message: 'permission denied for function audit_partition_drop' });
    await expect(app.query(`DROP TABLE audit_events_p20300109`)).rejects.toMatchObject({ code: '42501', message: 'must be owner of table audit_events_p20300109' });
    await expect(app.query(`ALTER TABLE audit_events DETACH PARTITION audit_events_p20300109`)).rejects.toMatchObject({ code: '42501', message: 'must be owner of table audit_events' });
    await su.query(`SELECT audit_partition_drop('2030-01-09')`);
    expect((await su.query(`SELECT to_regclass('audit_events_p20300109') AS t`)).rows).toEqual([{ t: null }]);
    await expect(su.query(`SELECT audit_partition_drop('2030-01-09')`)).rejects.toMatchObject({ code: '42P01', message: 'no audit partition audit_events_p20300109 for 2030-01-09' });
  });

  it('the audit service makes today\'s and the next days\' partitions before it starts consuming', async () => {
    const last = new Date(Date.now() + AUDIT_PARTITION_DAYS_AHEAD * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const name = `audit_events_p${last.replaceAll('-', '')}`;
    // Taken away, as if the service had not run for a week.
    await su.query(`SELECT audit_partition_ensure($1), audit_partition_drop($1)`, [last]);
    const keyDir = mkdtempSync(join(tmpdir(), 'admit-partitions-keys-'));
    const bus = inProcessTransport(new InProcessBroker(), { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 });
    const service = await NestFactory.createMicroservice(
      {
        module: class PartitionsTestModule {},
        imports: [BusModule.forRoot(bus), StoreModule.forRoot({ url: db.appUrl }), KeysModule.forRoot({ dataDir: keyDir }), AdminAuthModule.forRoot({}), AuditModule.forRoot({ checkpointIntervalMs: 0 })],
      },
      { strategy: bus.server, logger: false },
    );
    try {
      await service.listen();
      expect((await su.query(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = $1`, [name])).rows).toEqual([{ owner: TEST_OWNER_ROLE }]);
    } finally {
      await service.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('keeps every partition append-only, the default one and the event ids too, whoever asks', async () => {
    await ensurePartitions(sqlOf(app), at('2030-02-01T00:00:00Z'));
    const [inDay, late] = [decided('c-append-1', 'acme', at('2030-02-01T10:00:00Z')), decided('c-append-2', 'acme', at('2001-01-01T00:00:00Z'))];
    await append([inDay, late]);
    expect(await partitionOf(inDay.id)).toEqual(['audit_events_p20300201']);
    expect(await partitionOf(late.id)).toEqual(['audit_events_late']);
    for (const table of ['audit_events_p20300201', 'audit_events_late']) {
      const refused = (op: string) => ({ code: '42501', message: `audit_events is append-only: ${op} is not allowed` });
      await expect(su.query(`UPDATE ${table} SET type = 'forged'`)).rejects.toMatchObject(refused('UPDATE'));
      await expect(su.query(`DELETE FROM ${table}`)).rejects.toMatchObject(refused('DELETE'));
      await expect(su.query(`TRUNCATE ${table}`)).rejects.toMatchObject(refused('TRUNCATE'));
      await expect(app.query(`DELETE FROM ${table}`)).rejects.toMatchObject({ code: '42501', message: `permission denied for table ${table}` });
      await expect(app.query(`ALTER TABLE ${table} DISABLE TRIGGER ALL`)).rejects.toMatchObject({ code: '42501', message: `must be owner of table ${table}` });
    }
    await expect(su.query(`DELETE FROM audit_event_ids`)).rejects.toMatchObject({ code: '42501', message: 'audit_event_ids is append-only: DELETE is not allowed' });
    await expect(su.query(`TRUNCATE audit_event_ids`)).rejects.toMatchObject({ code: '42501', message: 'audit_event_ids is append-only: TRUNCATE is not allowed' });
    await expect(app.query(`DELETE FROM audit_event_ids`)).rejects.toMatchObject({ code: '42501', message: 'permission denied for table audit_event_ids' });
    expect(Number((await su.query(`SELECT count(*) AS n FROM audit_events WHERE event_id = ANY($1)`, [[inDay.id, late.id]])).rows[0].n)).toBe(2);
  });

  it('stores a derived event redelivered after midnight once, linked once, though its two copies fall on two days', async () => {
    await ensurePartitions(sqlOf(app), at('2030-03-01T00:00:00Z'));
    const cause = decided('c-midnight', 'acme', at('2030-03-01T23:59:59.000Z'));
    const first = decided('c-midnight', 'acme', at('2030-03-01T23:59:59.900Z'), cause);
    const again = decided('c-midnight', 'acme', at('2030-03-02T00:00:00.100Z'), cause);
    expect(again.id).toBe(first.id);
    expect(await append([first])).toBe(1);
    expect(await append([again])).toBe(0);
    // Also when both copies come in one batch, and across two topic-partitions at once.
    expect(await Promise.all([append([again, first], 1), append([again], 2)])).toEqual([0, 0]);
    expect(await partitionOf(first.id)).toEqual(['audit_events_p20300301']);
    const { rows } = await su.query(`SELECT count(*)::int AS links FROM audit_chain_links l JOIN audit_event_ids i ON i.seq = l.event_seq WHERE i.event_id = $1`, [first.id]);
    expect(rows).toEqual([{ links: 1 }]);
    expect((await su.query(`SELECT event_time FROM audit_event_ids WHERE event_id = $1`, [first.id])).rows).toEqual([{ event_time: at('2030-03-01T23:59:59.900Z') }]);
  });

  it('stores late events, of a day whose partition was dropped or never made, in audit_events_late with their own time, and the chains verify', async () => {
    await ensurePartitions(sqlOf(app), at('2030-04-01T00:00:00Z'));
    await su.query(`SELECT audit_partition_drop('2030-04-01')`);
    const dropped = decided('c-late-1', 'late-anchor', at('2030-04-01T08:00:00Z'));
    const never = decided('c-late-2', 'late-anchor', at('2031-05-05T08:00:00Z'));
    expect(await append([dropped, never])).toBe(2);
    expect(await partitionOf(dropped.id)).toEqual(['audit_events_late']);
    expect(await partitionOf(never.id)).toEqual(['audit_events_late']);
    // Its day keeps them: no partition is made over events already stored.
    expect(await ensurePartitions(sqlOf(app), at('2031-05-05T00:00:00Z'))).not.toContain('2031-05-05');
    expect(await ensurePartitions(sqlOf(app), at('2031-05-05T00:00:00Z'))).toEqual([]);
    const found = await new AuditQueries(sqlOf(app)).events({ anchor: 'late-anchor', from: '2030-04-01T00:00:00Z', to: '2031-05-06T00:00:00Z' }, { limit: 10 });
    expect(found.events.map((e) => [e.id, e.time])).toEqual([
      [dropped.id, '2030-04-01T08:00:00.000Z'],
      [never.id, '2031-05-05T08:00:00.000Z'],
    ]);
    const report = await verifyChains(sqlOf(su));
    expect({ ok: report.ok, breaks: report.breaks, unchained: report.unchained.count }).toEqual({ ok: true, breaks: [], unchained: 0 });
  });

  it('reads only the partitions of the days asked for (EXPLAIN of the incident, events and timeline queries)', async () => {
    await ensurePartitions(sqlOf(app), at('2030-06-01T00:00:00Z'));
    await append([decided('c-prune-1', 'prune-anchor', at('2030-06-01T10:00:00Z')), decided('c-prune-1', 'prune-anchor', at('2030-06-02T10:00:00Z'))]);
    const windows = [
      [{ from: '2030-06-01T00:00:00Z', to: '2030-06-02T00:00:00Z' }, ['audit_events_p20300601']],
      [{ from: '2030-06-01T06:00:00Z', to: '2030-06-02T18:00:00Z' }, ['audit_events_p20300601', 'audit_events_p20300602']],
    ] as const;
    for (const [window, partitions] of windows) {
      const statements: [string, unknown[]][] = [];
      const recording: SqlQuery = (sql, params = []) => {
        statements.push([sql, params]);
        return sqlOf(app)(sql, params);
      };
      const queries = new AuditQueries(recording);
      const incident = await queries.incident({ kind: 'anchor', value: 'prune-anchor' }, window, { limit: 10 });
      expect(incident.clients.map((c) => [c.client_id, c.admissions])).toEqual([['c-prune-1', partitions.length]]);
      // One statement per page.
      expect(statements).toHaveLength(1);
      await queries.events({ type: Topic.RegistrationDecided, ...window }, { limit: 10 });
      await queries.timeline('c-prune-1', window, { limit: 10 });
      const windowed = statements.filter(([, params]) => params.includes(window.from));
      // The incident page, the events page, the timeline.
      expect(windowed).toHaveLength(3);
      const [[incidentSql, incidentParams], ...pages] = windowed;
      // The incident's admissions (e) and decisions (dec) are the window's; its later access checks and revocations are not.
      expect(await scanned(app, incidentSql, incidentParams, ['e', 'dec'])).toEqual(partitions);
      for (const [sql, params] of pages) expect(await scanned(app, sql, params)).toEqual(partitions);
    }
  });

  it('verification finds each linked event in the one partition of its time, not in every partition', async () => {
    const statements: [string, unknown[]][] = [];
    const report = await verifyChains((sql, params = []) => {
      statements.push([sql, params]);
      return sqlOf(app)(sql, params);
    });
    expect(report.ok).toBe(true);
    const pages = statements.filter(([sql]) => sql.includes('FROM audit_chain_links l LEFT JOIN audit_event_ids'));
    expect(pages.length).toBeGreaterThan(0);
    let links = 0;
    for (const [sql, params] of pages) {
      const { reads, rows } = await partitionReads(app, sql, params);
      // One partition read per link found.
      expect([...reads.values()].reduce((a, b) => a + b, 0)).toBe(rows);
      links += rows;
    }
    expect(links).toBe(report.links_checked);
    expect(links).toBeGreaterThan(5);
  });
});

describe('migrating a store that holds events to partitions', () => {
  type Outcome = Awaited<ReturnType<typeof migrateHoldingEvents>>;

  function expectMovedUnchanged({ old, migrated, appended, verify_after_append }: Outcome): void {
    expect(old.digests).toMatchObject({ events: { n: 30 }, links: { n: 30 } });
    // Same seq, same chain columns, same generated columns: not a link recomputed.
    expect(migrated.digests).toEqual(old.digests);
    expect(migrated.verify).toEqual({ ok: true, links: 30, unchained: 0, breaks: [] });
    expect(migrated.partitions).toEqual([
      { part: 'audit_events_p20261101', n: 2 },
      { part: 'audit_events_p20261102', n: 8 },
      { part: 'audit_events_p20261103', n: 8 },
      { part: 'audit_events_p20261104', n: 8 },
      { part: 'audit_events_p20261105', n: 4 },
    ]);
    expect(migrated.ids).toEqual([{ n: 30 }]);
    expect(migrated.auditor_view).toEqual([{ n: 30 }]);
    // The old table's indexes by the same names; the event id's unique key is audit_event_ids' now.
    expect(old.indexes).toContain('audit_events_event_id_key');
    expect(migrated.indexes).toEqual(old.indexes.filter((name) => name !== 'audit_events_event_id_key'));
    expect(migrated.tables).toEqual([{ relname: 'audit_events', relkind: 'p' }]);
    expect(appended).toBe(1);
    expect(verify_after_append).toEqual({ ok: true, links: 31, unchained: 0, breaks: [] });
  }

  it('PostgreSQL: moves every row into its day\'s partition unchanged, and the chains still verify', async () => {
    const name = `admit_test_partmig_${randomBytes(4).toString('hex')}`;
    await withServer((c) => c.query(`CREATE DATABASE ${name} OWNER ${TEST_OWNER_ROLE}`));
    try {
      const owner = { url: asRole(databaseUrl(name), TEST_OWNER_ROLE) };
      const outcome = await migrateHoldingEvents(owner, { appRole: TEST_APP_ROLE, appLocation: { url: asRole(databaseUrl(name), TEST_APP_ROLE) } });
      expect(outcome.migrated.grants).toEqual([{ select: true, insert: true, delete: false }]);
      expectMovedUnchanged(outcome);
    } finally {
      await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });

  it('PGlite (embedded): the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'admit-partmig-'));
    try {
      const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['tests/support/partition-migration.ts', join(dir, 'data')]);
      expectMovedUnchanged(JSON.parse(stdout) as Outcome);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
