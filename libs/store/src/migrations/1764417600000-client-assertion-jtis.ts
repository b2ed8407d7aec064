import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The jti of every accepted client assertion, kept until the assertion expires, so no intake, before
 * or after a restart, accepts it twice. Intake's table: its app role inserts, reads and prunes.
 */
export class ClientAssertionJtis1764417600000 implements MigrationInterface {
  name = 'ClientAssertionJtis1764417600000';

  async up(q: QueryRunner): Promise<void> {
    // The key settles replays, also two at once at two intakes. It carries expires_at, so a client's
    // unexpired jtis are counted from the index alone, on the same pages the insert touches.
    await q.query(`
      CREATE TABLE client_assertion_jtis (
        client_id  text        NOT NULL CHECK (length(client_id) BETWEEN 1 AND 2048),
        jti        text        NOT NULL CHECK (length(jti) BETWEEN 1 AND 256),
        expires_at timestamptz NOT NULL,
        CONSTRAINT client_assertion_jtis_pkey PRIMARY KEY (client_id, jti) INCLUDE (expires_at)
      )`);
    await q.query(`CREATE INDEX client_assertion_jtis_expiry_idx ON client_assertion_jtis (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_assertion_jtis`);
  }
}
