/**
 * The measured inputs of docs/capacity.md: a database of its own seeded with BENCH_CAPACITY_EVENTS
 * synthetic events (200,000 by default; the audit-queries bench's mix) over two days, each chained
 * for real (the chain's own hash, one chain per topic-partition), then: bytes per event in the table
 * (its partitions), the ids table and the chain links (pg_total_relation_size / count), an incident query over one day and over
 * both, one day written as a signed archive (bytes per event, events/s), verified offline and scanned
 * for an incident (events/s). `npx tsx tools/bench/capacity.ts`, or `npm run bench -- capacity`.
 */
import 'reflect-metadata';
import { ARCHIVE_TYP, archiveLines, AuditQueries, CHECKPOINT_KEY_FILE_VAR, EVENTS_FILE, GENERATED_CHECKPOINT_KEY_FILE, linkHash, sqlOf, STORED_EVENT_COLUMNS, StoredEvent, verifyArchives, writeDayArchive } from '@admit/audit';
import { SigningKeys } from '@admit/keys';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { withSeededAuditDatabase } from './audit-queries';
import { Figure, figure, timeSequential } from './figures';
import { bench } from './bench-config';

const EVENTS = bench.BENCH_CAPACITY_EVENTS;
const DAYS = 2;
const RUNS = 5;
const PAGE = 5_000;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-03-02T00:00:00Z');
const DAY = new Date(START).toISOString().slice(0, 10);

/** Links every seeded event into its topic-partition's chain, in seq order, with the real link hash; sets the heads. */
async function chainSeeded(pg: Client): Promise<void> {
  const heads = new Map<string, { topic: string; partition: number; length: number; hash: string }>();
  for (let after = '0'; ; ) {
    const { rows } = await pg.query<StoredEvent>(`SELECT ${STORED_EVENT_COLUMNS} FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT ${PAGE}`, [after]);
    if (rows.length === 0) break;
    const links = rows.map((row) => {
      const key = `${row.topic}/${row.partition}`;
      const head = heads.get(key) ?? { topic: row.topic, partition: row.partition, length: 0, hash: '0'.repeat(64) };
      const hash = linkHash(head.hash, row);
      const link = [row.seq, row.topic, row.partition, head.length + 1, head.hash, hash] as const;
      heads.set(key, { ...head, length: head.length + 1, hash });
      return link;
    });
    await pg.query(
      `INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[])`,
      [0, 1, 2, 3, 4, 5].map((i) => links.map((l) => l[i])),
    );
    after = rows[rows.length - 1].seq;
  }
  for (const h of heads.values()) {
    await pg.query(`INSERT INTO audit_chain_heads (topic, partition, length, hash) VALUES ($1, $2, $3, $4)`, [h.topic, h.partition, h.length, h.hash]);
  }
}

export function capacityFigures(): Promise<Figure[]> {
  return withSeededAuditDatabase('capacity', EVENTS, DAYS, new Date(START), async (pg) => {
    await chainSeeded(pg);
    await pg.query('VACUUM ANALYZE audit_chain_links');
    const [size] = (
      // audit_events is partitioned: the parent holds nothing, its partitions hold the rows and indexes.
      await pg.query<{ n: string; events: string; events_heap: string; ids: string; links: string }>(
        `SELECT (SELECT count(*) FROM audit_events)::text AS n, p.events::text AS events, p.heap::text AS events_heap,
                pg_total_relation_size('audit_event_ids')::text AS ids, pg_total_relation_size('audit_chain_links')::text AS links
         FROM (SELECT sum(pg_total_relation_size(inhrelid)) AS events, sum(pg_relation_size(inhrelid)) AS heap
               FROM pg_inherits WHERE inhparent = 'audit_events'::regclass) p`,
      )
    ).rows;
    const n = Number(size.n);
    const per = (bytes: string) => Math.round(Number(bytes) / n);
    const figures: Figure[] = [];
    const bytes = (name: string, value: number, detail?: Figure['detail']) => figures.push({ ...figure(name, [value / 1024]), unit: 'KiB', detail: { bytes_per_event: value, ...detail } });
    bytes('capacity: audit_events, bytes per event (its partitions: table + indexes + TOAST)', per(size.events), { heap_bytes_per_event: per(size.events_heap), events: n });
    bytes('capacity: audit_event_ids, bytes per event', per(size.ids));
    bytes('capacity: audit_chain_links, bytes per event', per(size.links));

    const sql = sqlOf(pg);
    const queries = new AuditQueries(sql);
    const oneDay = { from: new Date(START).toISOString(), to: new Date(START + DAY_MS).toISOString() };
    const bothDays = { from: oneDay.from, to: new Date(START + DAYS * DAY_MS).toISOString() };
    const dayRows = Number((await pg.query(`SELECT count(*) AS n FROM audit_events WHERE event_time >= $1 AND event_time < $2`, [oneDay.from, oneDay.to])).rows[0].n);
    for (const [name, window] of [
      ['one day', oneDay],
      [`${DAYS} days`, bothDays],
    ] as const) {
      const op = () => queries.incident({ kind: 'anchor', value: 'acme-directory' }, window, { limit: 50 });
      await op();
      figures.push(figure(`capacity: incident query (anchor, first page) over ${name}`, (await timeSequential(RUNS, op)).latencies, { detail: { events_per_day: dayRows } }));
    }

    const dir = mkdtempSync(join(tmpdir(), 'admit-capacity-'));
    try {
      const keys = await SigningKeys.load({ dataDir: dir, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
      const writing = performance.now();
      const { dir: archive, manifest } = await writeDayArchive(sql, DAY, join(dir, 'out'), keys);
      const writeMs = performance.now() - writing;
      const gz = statSync(join(archive, EVENTS_FILE)).size;
      figures.push({ ...figure('capacity: one day written as a signed archive', [writeMs], { rate: (manifest.rows / writeMs) * 1000 }), detail: { events: manifest.rows, gzip_bytes_per_event: Math.round(gz / manifest.rows), typ: ARCHIVE_TYP } });
      const verifying = performance.now();
      const report = await verifyArchives(archive, { jwks: keys.publicJwks() });
      const verifyMs = performance.now() - verifying;
      if (!report.ok) throw new Error(`the archive did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
      figures.push(figure('capacity: one day archive verified offline (every link)', [verifyMs], { rate: (manifest.rows / verifyMs) * 1000 }));
      const scanning = performance.now();
      let matches = 0;
      for await (const line of archiveLines(join(archive, EVENTS_FILE))) {
        const data = (JSON.parse(line) as { event: { data: { admission?: { anchor?: string }; anchor?: string } } }).event.data;
        if (data.admission?.anchor === 'acme-directory' || data.anchor === 'acme-directory') matches++;
      }
      const scanMs = performance.now() - scanning;
      figures.push({ ...figure('capacity: incident scan of one day archive (gunzip, parse, filter)', [scanMs], { rate: (manifest.rows / scanMs) * 1000 }), detail: { matches } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  });
}

// `tsx tools/bench/capacity.ts` runs this group alone.
if (require.main === module) {
  capacityFigures().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
