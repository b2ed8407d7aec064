import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the auditor's queries at scale (a million events and more): the report's and the
 * documented SQL's aggregates by type, decision and time; the lookup of a decision's validation by
 * correlation id (admissions by source, per admission); the first page of an anchor's or origin's
 * events in stored order, without walking the primary key from the start; revocations by id.
 */
export class AuditQueryIndexes1764424800000 implements MigrationInterface {
  name = 'AuditQueryIndexes1764424800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_type_decision_time_idx ON audit_events (type, decision, event_time)`);
    await q.query(`CREATE INDEX audit_events_correlation_type_idx ON audit_events (correlation_id, type)`);
    await q.query(`CREATE INDEX audit_events_anchor_seq_idx ON audit_events (anchor, seq) WHERE anchor IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_origin_seq_idx ON audit_events (origin, seq) WHERE origin IS NOT NULL`);
    // When a policy version was first used (a policy change), without reading all its decisions.
    await q.query(`CREATE INDEX audit_events_policy_version_time_idx ON audit_events (policy_version, event_time) WHERE policy_version IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_revocation_id_idx ON audit_events ((data ->> 'id'), seq) WHERE type = 'admit.revocations.v1'`);
    // The correlation id alone is a prefix of the new index.
    await q.query(`DROP INDEX audit_events_correlation_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_correlation_idx ON audit_events (correlation_id)`);
    for (const name of ['type_decision_time', 'correlation_type', 'anchor_seq', 'origin_seq', 'policy_version_time', 'revocation_id']) await q.query(`DROP INDEX audit_events_${name}_idx`);
  }
}
