import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash chain over audit_events (one chain per topic-partition), the chain heads it is extended
 * from, and the signed checkpoints of those heads. Links and checkpoints are append-only like the
 * events; a head is the chain's current end, moved forward in the same transaction as the links.
 */
const APPEND_ONLY = ['audit_chain_links', 'audit_checkpoints', 'audit_chain_start'];

export class AuditChain1764410400000 implements MigrationInterface {
  name = 'AuditChain1764410400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_links (
        event_seq  bigint  PRIMARY KEY,
        topic      text    NOT NULL,
        partition  int     NOT NULL,
        position   bigint  NOT NULL CHECK (position >= 1),
        prev_hash  text    NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash       text    NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT audit_chain_links_position_key UNIQUE (topic, partition, position)
      )`);
    await q.query(`
      CREATE TABLE audit_chain_heads (
        topic      text        NOT NULL,
        partition  int         NOT NULL,
        length     bigint      NOT NULL CHECK (length >= 0),
        hash       text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition)
      )`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        seq        bigserial   PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        kid        text        NOT NULL,
        heads      jsonb       NOT NULL,
        jws        text        NOT NULL
      )`);
    // Events stored before the chain existed: verification names them as such instead of as unchained.
    await q.query(`CREATE TABLE audit_chain_start (legacy_max_seq bigint NOT NULL)`);
    await q.query(`INSERT INTO audit_chain_start SELECT COALESCE(max(seq), 0) FROM audit_events`);
    await q.query(`
      CREATE FUNCTION admit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of APPEND_ONLY) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION admit_append_only()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION admit_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_chain_start', 'audit_checkpoints', 'audit_chain_heads', 'audit_chain_links']) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION admit_append_only()`);
  }
}
