import { MigrationInterface, QueryRunner } from 'typeorm';
import { createAuditorViews } from './1764421200000-auditor-views';

/** How many days after today the audit service keeps partitions ready for (and this migration creates). */
export const AUDIT_PARTITION_DAYS_AHEAD = 7;

/** The columns an event is written with; the query columns are generated from `data`. */
const STORED = `seq, event_id, type, source, subject, correlation_id, causation_id, event_time, topic, partition, "offset", data, recorded_at`;

/**
 * audit_events becomes a table partitioned by `event_time`, one partition per UTC day, named
 * `audit_events_pYYYYMMDD`, plus the default partition `audit_events_late` for events of a day
 * without one (dropped after archiving, or never created), so no event is refused. A unique key of a
 * partitioned table must hold its partition key, so the dedupe by event id moves to
 * `audit_event_ids` (unpartitioned, never pruned: an event redelivered after its day was dropped is
 * still known). The app role creates partitions through `audit_partition_ensure(day)`, which runs with
 * the owner's rights, so the partitions are the owner's too; `audit_partition_drop(day)` detaches and
 * drops one and is the owner's alone. Existing rows are copied as they are (same `seq`, same chain
 * columns), so no link changes.
 */
export class AuditPartitions1764550000000 implements MigrationInterface {
  name = 'AuditPartitions1764550000000';

  async up(q: QueryRunner): Promise<void> {
    const indexes = await freeNames(q);
    await q.query(`CREATE TABLE audit_events (LIKE audit_events_old INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY RANGE (event_time)`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq, event_time)`);
    await q.query(`CREATE TABLE audit_events_late PARTITION OF audit_events DEFAULT`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_late FOR EACH STATEMENT EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`
      CREATE FUNCTION audit_partition_ensure(p_day date) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
      DECLARE
        name text := 'audit_events_p' || to_char(p_day, 'YYYYMMDD');
        lo timestamptz := p_day::timestamp AT TIME ZONE 'UTC';
        hi timestamptz := (p_day + 1)::timestamp AT TIME ZONE 'UTC';
      BEGIN
        IF p_day IS NULL THEN RAISE EXCEPTION 'audit_partition_ensure needs a day' USING ERRCODE = 'null_value_not_allowed'; END IF;
        IF to_regclass('public.' || name) IS NOT NULL THEN RETURN false; END IF;
        -- A day whose events are already in the default partition stays there: a new partition would have to take them out of it.
        IF EXISTS (SELECT FROM public.audit_events_late WHERE event_time >= lo AND event_time < hi) THEN RETURN false; END IF;
        -- Made apart, then attached: ATTACH takes a lock that lets inserts and long reports go on, where
        -- CREATE TABLE … PARTITION OF would queue every insert behind the longest running report.
        EXECUTE format('CREATE TABLE public.%I (LIKE public.audit_events INCLUDING DEFAULTS INCLUDING GENERATED)', name);
        EXECUTE format('ALTER TABLE public.audit_events ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
        -- Row triggers are cloned onto every partition; a TRUNCATE of the partition itself needs its own.
        EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION public.admit_audit_append_only()', name);
        RETURN true;
      EXCEPTION WHEN duplicate_table THEN
        RETURN false; -- another audit instance created it first
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_partition_drop(p_day date) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        name text := 'audit_events_p' || to_char(p_day, 'YYYYMMDD');
      BEGIN
        IF p_day IS NULL OR NOT EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                                        WHERE i.inhparent = 'public.audit_events'::regclass AND c.oid = to_regclass('public.' || name)) THEN
          RAISE EXCEPTION 'no audit partition % for %', name, p_day USING ERRCODE = 'undefined_table';
        END IF;
        EXECUTE format('ALTER TABLE public.audit_events DETACH PARTITION public.%I', name);
        EXECUTE format('DROP TABLE public.%I', name);
      END $$`);
    // EXECUTE is PUBLIC's by default: the app role is granted the first (database-roles.ts), nobody the second.
    await q.query(`REVOKE ALL ON FUNCTION audit_partition_ensure(date), audit_partition_drop(date) FROM PUBLIC`);
    await q.query(`SELECT audit_partition_ensure(d::date) FROM (
      SELECT DISTINCT (event_time AT TIME ZONE 'UTC')::date AS d FROM audit_events_old
      UNION SELECT generate_series(0, ${AUDIT_PARTITION_DAYS_AHEAD}) + (now() AT TIME ZONE 'UTC')::date) days ORDER BY d`);
    await q.query(`INSERT INTO audit_events (${STORED}) SELECT ${STORED} FROM audit_events_old`);
    // The indexes are built once the rows are in, each also on every partition created later.
    for (const def of indexes) await q.query(def);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`
      CREATE TABLE audit_event_ids (
        event_id   text        PRIMARY KEY,
        seq        bigint      NOT NULL,
        event_time timestamptz NOT NULL
      )`);
    await q.query(`INSERT INTO audit_event_ids (event_id, seq, event_time) SELECT event_id, seq, event_time FROM audit_events_old`);
    // A link names its event by seq: this gives the event's time, so a lookup reads one partition, not all.
    await q.query(`CREATE INDEX audit_event_ids_seq_idx ON audit_event_ids (seq)`);
    await q.query(`CREATE TRIGGER audit_event_ids_append_only BEFORE UPDATE OR DELETE ON audit_event_ids FOR EACH ROW EXECUTE FUNCTION admit_append_only()`);
    await q.query(`CREATE TRIGGER audit_event_ids_no_truncate BEFORE TRUNCATE ON audit_event_ids FOR EACH STATEMENT EXECUTE FUNCTION admit_append_only()`);
    await finishMove(q);
  }

  async down(q: QueryRunner): Promise<void> {
    const indexes = await freeNames(q);
    await q.query(`CREATE TABLE audit_events (LIKE audit_events_old INCLUDING DEFAULTS INCLUDING GENERATED)`);
    await q.query(`INSERT INTO audit_events (${STORED}) SELECT ${STORED} FROM audit_events_old`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq), ADD CONSTRAINT audit_events_event_id_key UNIQUE (event_id)`);
    for (const def of indexes) await q.query(def);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`DROP TABLE audit_event_ids`);
    await finishMove(q);
    await q.query(`DROP FUNCTION audit_partition_ensure(date), audit_partition_drop(date)`);
  }
}

/**
 * Renames audit_events to audit_events_old and drops its indexes and keys, so the new table takes
 * their names; returns the statements that create those indexes (not the keys) on the new table.
 */
async function freeNames(q: QueryRunner): Promise<string[]> {
  await q.query(`ALTER TABLE audit_events RENAME TO audit_events_old`);
  const indexes: { name: string; def: string }[] = await q.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'audit_events_old'::regclass AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1`,
  );
  const keys: { name: string }[] = await q.query(`SELECT conname AS name FROM pg_constraint WHERE conrelid = 'audit_events_old'::regclass AND contype IN ('p', 'u')`);
  for (const { name } of keys) await q.query(`ALTER TABLE audit_events_old DROP CONSTRAINT ${name}`);
  for (const { name } of indexes) await q.query(`DROP INDEX ${name}`);
  return indexes.map(({ def }) => def.replace(/ ON (ONLY )?(public\.)?audit_events_old /, ' ON audit_events '));
}

/** Gives the new audit_events the old one's grants, views and sequence, then drops the old one. */
async function finishMove(q: QueryRunner): Promise<void> {
  const grants: { privilege: string; grantee: string }[] = await q.query(
    `SELECT a.privilege_type AS privilege, COALESCE(quote_ident(r.rolname), 'PUBLIC') AS grantee
     FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE c.oid = 'audit_events_old'::regclass AND a.grantee <> c.relowner`,
  );
  for (const { privilege, grantee } of grants) await q.query(`GRANT ${privilege} ON audit_events TO ${grantee}`);
  await createAuditorViews(q);
  await q.query(`ALTER SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq`);
  await q.query(`DROP TABLE audit_events_old`);
}
