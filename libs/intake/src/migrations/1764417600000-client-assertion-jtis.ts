import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The jti of every accepted client assertion, kept until the assertion expires, so no intake, before
 * or after a restart, accepts it twice. Intake's table: its app role inserts, reads and prunes.
 */
export class ClientAssertionJtis1764417600000 implements MigrationInterface {
  name = 'ClientAssertionJtis1764417600000';

  async up(q: QueryRunner): Promise<void> {
    // The key settles replays, also two at once at two intakes. It carries expires_at, so a client's
    // unexpired jtis are counted from the index alone, on the same pages the insert touches. A jti is
    // whatever the client signed (NUL characters included, which text cannot hold), so its SHA-256
    // is kept instead: 43 characters, whatever the jti.
    await q.query(`
      CREATE TABLE client_assertion_jtis (
        client_id  text        NOT NULL CHECK (length(client_id) BETWEEN 1 AND 2048),
        jti_sha256 text        NOT NULL CHECK (length(jti_sha256) = 43),
        expires_at timestamptz NOT NULL,
        CONSTRAINT client_assertion_jtis_pkey PRIMARY KEY (client_id, jti_sha256) INCLUDE (expires_at)
      )`);
    await q.query(`CREATE INDEX client_assertion_jtis_expiry_idx ON client_assertion_jtis (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_assertion_jtis`);
  }
}
