import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What auditors filter on, as generated columns of audit_events (computed by the database from
 * `data`, so no writer can make them disagree with it) and their indexes. Registration events name
 * the anchor, origin and key thumbprints at the top of `data` (validated) or under `admission`
 * (decided), so each column takes whichever the event has.
 */
export class AuditQueryColumns1764414000000 implements MigrationInterface {
  name = 'AuditQueryColumns1764414000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_events
        ADD COLUMN client_id      text  GENERATED ALWAYS AS (data ->> 'client_id') STORED,
        ADD COLUMN decision       text  GENERATED ALWAYS AS (data ->> 'decision') STORED,
        ADD COLUMN policy_version text  GENERATED ALWAYS AS (data ->> 'policy_version') STORED,
        ADD COLUMN anchor         text  GENERATED ALWAYS AS (COALESCE(data -> 'admission' ->> 'anchor', data ->> 'anchor')) STORED,
        ADD COLUMN origin         text  GENERATED ALWAYS AS (COALESCE(data -> 'admission' ->> 'origin', data ->> 'origin')) STORED,
        ADD COLUMN jkts           jsonb GENERATED ALWAYS AS (COALESCE(data -> 'admission' -> 'jkts', data -> 'jkts')) STORED`);
    await q.query(`CREATE INDEX audit_events_client_time_idx ON audit_events (client_id, event_time, seq)`);
    await q.query(`CREATE INDEX audit_events_type_seq_idx ON audit_events (type, seq)`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (event_time)`);
    await q.query(`CREATE INDEX audit_events_anchor_time_idx ON audit_events (anchor, event_time) WHERE anchor IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_origin_time_idx ON audit_events (origin, event_time) WHERE origin IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_decision_idx ON audit_events (decision, seq) WHERE decision IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_policy_version_idx ON audit_events (policy_version, seq) WHERE policy_version IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_jkts_idx ON audit_events USING gin (jkts jsonb_path_ops) WHERE jkts IS NOT NULL`);
    // Revocations by subject and their lifting (admin actions by target), for revocation state.
    await q.query(`CREATE INDEX audit_events_revocation_subject_idx ON audit_events ((data ->> 'kind'), (data ->> 'value'))
      WHERE type = 'admit.revocations.v1'`);
    await q.query(`CREATE INDEX audit_events_admin_target_idx ON audit_events ((data ->> 'target')) WHERE type = 'admit.admin.actions.v1'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP COLUMN client_id, DROP COLUMN decision, DROP COLUMN policy_version,
      DROP COLUMN anchor, DROP COLUMN origin, DROP COLUMN jkts`);
    await q.query(`DROP INDEX audit_events_revocation_subject_idx`);
    await q.query(`DROP INDEX audit_events_admin_target_idx`);
  }
}
