import { ChainWriter, GENESIS_HASH, linkHash, SqlQuery, sqlOf, STORED_EVENT_COLUMNS, StoredEvent, verifyChains } from '@admit/audit';
import { CloudEvent, newEvent, Topic } from '@admit/contracts';
import { ALL_MIGRATIONS } from '@admit/launcher';
import { createDataSource, migrate, StoreLocation } from '@admit/store';
import 'reflect-metadata';

/** A registration decision admitting `clientId` under the anchor, at `time` (derived from `cause` when given). */
export function decided(clientId: string, anchor: string, time: Date, cause?: CloudEvent): CloudEvent {
  return newEvent(
    Topic.RegistrationDecided,
    { client_id: clientId, decision: 'allow', policy_version: 'p1', reasons: [], admission: { anchor, source: 'software_statement' } } as never,
    { source: '/test', subject: clientId, now: time, ...(cause ? { cause } : {}) },
  );
}

/** Events of five days on two topic-partitions, stored and chained as the audit service did before partitioning. */
async function storeChained(query: SqlQuery): Promise<void> {
  const heads = new Map<number, { length: number; hash: string }>();
  for (let i = 0; i < 30; i++) {
    const event = decided(`c-mig-${i % 4}`, 'mig-anchor', new Date(Date.parse('2026-11-01T20:00:00Z') + i * 3 * 3600 * 1000));
    const [row] = await query<StoredEvent>(
      `INSERT INTO audit_events AS e (event_id, type, source, subject, correlation_id, event_time, topic, partition, "offset", data)
       VALUES ($1, $2, '/test', $3, $4, $5, $2, $6, $7, $8) RETURNING ${STORED_EVENT_COLUMNS}`,
      [event.id, event.type, event.subject, event.correlationid, event.time, i % 2, i, JSON.stringify(event.data)],
    );
    const head = heads.get(row.partition) ?? { length: 0, hash: GENESIS_HASH };
    const hash = linkHash(head.hash, row);
    await query(`INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
      row.seq,
      row.topic,
      row.partition,
      head.length + 1,
      head.hash,
      hash,
    ]);
    heads.set(row.partition, { length: head.length + 1, hash });
  }
  for (const [partition, head] of heads) {
    await query(`INSERT INTO audit_chain_heads (topic, partition, length, hash) VALUES ($1, $2, $3, $4)`, [Topic.RegistrationDecided, partition, head.length, head.hash]);
  }
}

/** Every stored column of every event and link, as one digest each. */
async function digests(q: SqlQuery): Promise<unknown> {
  const [events] = await q(`SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', e.seq, e.event_id, e.type, e.source, e.subject, e.correlation_id, e.causation_id,
    e.event_time, e.topic, e.partition, e."offset", e.data, e.recorded_at, e.client_id, e.anchor), ',' ORDER BY e.seq)) AS digest FROM audit_events e`);
  const [links] = await q(`SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', event_seq, topic, partition, position, prev_hash, hash), ',' ORDER BY event_seq)) AS digest
    FROM audit_chain_links`);
  return { events, links };
}

const indexesOf = async (q: SqlQuery) => (await q<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_events' ORDER BY 1`)).map((r) => r.name);
const summary = async (q: SqlQuery) => {
  const report = await verifyChains(q);
  return { ok: report.ok, links: report.links_checked, unchained: report.unchained.count, breaks: report.breaks };
};

/**
 * Migrates a new store up to the migration before partitioning, stores chained events there as the
 * audit service did, then runs the partitioning migration and the chain writer on it (as `appLocation`
 * when the app has a role of its own). Returns what a test compares before and after.
 */
export async function migrateHoldingEvents(location: StoreLocation, options: { appRole?: string; appLocation?: StoreLocation } = {}) {
  const before = await createDataSource(location).initialize();
  let old;
  try {
    // The app's grants of then (grantAppRole names today's tables): the migration must carry them over.
    await migrate(before, ALL_MIGRATIONS.filter((m) => m.name !== 'AuditPartitions1764550000000'));
    if (options.appRole) await before.query(`GRANT SELECT, INSERT ON audit_events TO ${options.appRole}`);
    await storeChained(sqlOf(before));
    old = { digests: await digests(sqlOf(before)), indexes: await indexesOf(sqlOf(before)) };
  } finally {
    await before.destroy();
  }
  const after = await createDataSource(location).initialize();
  try {
    await migrate(after, ALL_MIGRATIONS);
    const q = sqlOf(after);
    const grants = options.appRole
      ? await q(`SELECT has_table_privilege($1, 'audit_events', 'SELECT') AS select, has_table_privilege($1, 'audit_events', 'INSERT') AS insert,
                        has_table_privilege($1, 'audit_events', 'DELETE') AS delete`, [options.appRole])
      : null;
    await migrate(after, ALL_MIGRATIONS, { appRole: options.appRole });
    const migrated = {
      grants,
      digests: await digests(q),
      indexes: await indexesOf(q),
      verify: await summary(q),
      partitions: await q(`SELECT e.tableoid::regclass::text AS part, count(*)::int AS n FROM audit_events e GROUP BY 1 ORDER BY 1`),
      ids: await q(`SELECT count(*)::int AS n FROM audit_event_ids`),
      auditor_view: await q(`SELECT count(*)::int AS n FROM audit.events`),
      tables: await q(`SELECT relname, relkind FROM pg_class WHERE relname IN ('audit_events_old', 'audit_events') ORDER BY relname`),
    };
    // The service goes on from the migrated heads: a stored event sent again is skipped, a new one is the next link.
    const appDs = options.appLocation ? await createDataSource(options.appLocation).initialize() : after;
    let appended: number;
    try {
      const [first] = await q<StoredEvent>(`SELECT ${STORED_EVENT_COLUMNS} FROM audit_events e WHERE e.partition = 0 ORDER BY e.seq LIMIT 1`);
      const replayed = { ...decided('c-mig-0', 'mig-anchor', first.event_time), id: first.event_id };
      appended = await new ChainWriter(appDs).append(Topic.RegistrationDecided, 0, [
        { event: replayed, offset: '0' },
        { event: decided('c-mig-new', 'mig-anchor', new Date()), offset: '100' },
      ]);
    } finally {
      if (appDs !== after) await appDs.destroy();
    }
    return { old, migrated, appended, verify_after_append: await summary(q) };
  } finally {
    await after.destroy();
  }
}

// PGlite cannot load inside jest's module sandbox, so the embedded case runs here, in a process of its own.
if (require.main === module) {
  migrateHoldingEvents({ dataDir: process.argv[2] }).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (err: unknown) => {
      process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
