import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live admissions, one row per client, each kept until the admission expires: any intake (and
 * embedded mode after a restart) answers `GET /clients/{client_id}` while it lives. Not evidence (the
 * decided event in the audit trail is): intake's table, its app role writes, reads and prunes it.
 */
export class LiveAdmissions1764428400000 implements MigrationInterface {
  name = 'LiveAdmissions1764428400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE live_admissions (
        client_id  text        NOT NULL PRIMARY KEY CHECK (length(client_id) BETWEEN 1 AND 2048),
        decided    jsonb       NOT NULL,
        decided_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX live_admissions_expiry_idx ON live_admissions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE live_admissions`);
  }
}
