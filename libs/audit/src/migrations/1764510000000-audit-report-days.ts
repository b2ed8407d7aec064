import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The evidence report's figures of closed UTC days, derived from `audit_events` and never evidence:
 * the report sums them for the whole days of its window and computes the rest live. Each row keeps
 * the count of its day's events (and of the day before's validations) it was computed from; a report
 * that finds other counts stores a new row for the day (the trail is append-only: the same count
 * means the same events) and reads rows by id, so a report never sees a day half replaced. Nothing on
 * the ingest path writes here. Rows may be deleted at any time: they come back.
 */
export class AuditReportDays1764510000000 implements MigrationInterface {
  name = 'AuditReportDays1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_report_days (
        id               bigserial   PRIMARY KEY,
        day              timestamptz NOT NULL,
        events           bigint      NOT NULL,
        validated_before bigint      NOT NULL,
        computed_at      timestamptz NOT NULL DEFAULT now(),
        access_total     bigint      NOT NULL,
        access_local     bigint      NOT NULL,
        access_pipeline  bigint      NOT NULL,
        access_allow     bigint      NOT NULL,
        access_deny      bigint      NOT NULL,
        denials          bigint      NOT NULL,
        sources          jsonb       NOT NULL,
        reasons          jsonb       NOT NULL,
        hour_admissions  bigint[]    NOT NULL,
        hour_denials     bigint[]    NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_report_day_clients (
        day_id         bigint      NOT NULL REFERENCES audit_report_days (id) ON DELETE CASCADE,
        client_id      text,
        admissions     bigint      NOT NULL,
        access_events  bigint      NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_report_days_day_idx ON audit_report_days (day)`);
    await q.query(`CREATE INDEX audit_report_day_clients_day_idx ON audit_report_day_clients (day_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_report_day_clients`);
    await q.query(`DROP TABLE audit_report_days`);
  }
}
