import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index on the CloudEvent `subject` goes. No query of Admit's, no console page and no documented
 * auditor query filters by it (a client's events are found by `client_id`, which has its own index),
 * and every stored event paid for it: one of the seven indexes every row of `audit_events` enters.
 * Dropping the partitioned index drops it from every partition.
 */
export class AuditSubjectIndex1765200000000 implements MigrationInterface {
  name = 'AuditSubjectIndex1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_subject_time_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_subject_time_idx ON audit_events (subject, event_time)`);
  }
}
