import { MigrationInterface, QueryRunner } from 'typeorm';

/** The database itself keeps the audit trail append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. */
export class AuditAppendOnly1764320400000 implements MigrationInterface {
  name = 'AuditAppendOnly1764320400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION admit_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION admit_audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION admit_audit_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER audit_events_append_only ON audit_events`);
    await q.query(`DROP FUNCTION admit_audit_append_only()`);
  }
}
