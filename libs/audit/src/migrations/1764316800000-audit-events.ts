import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEvents1764316800000 implements MigrationInterface {
  name = 'AuditEvents1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        seq            bigserial PRIMARY KEY,
        event_id       text        NOT NULL,
        type           text        NOT NULL,
        source         text        NOT NULL,
        subject        text,
        correlation_id text        NOT NULL,
        causation_id   text,
        event_time     timestamptz NOT NULL,
        topic          text        NOT NULL,
        partition      int         NOT NULL,
        "offset"       bigint      NOT NULL,
        data           jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_events_event_id_key UNIQUE (event_id)
      )`);
    await q.query(`CREATE INDEX audit_events_subject_time_idx ON audit_events (subject, event_time)`);
    await q.query(`CREATE INDEX audit_events_correlation_idx ON audit_events (correlation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
  }
}
