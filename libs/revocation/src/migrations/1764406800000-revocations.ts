import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations and the outbox of what is still to be published about them. */
export class Revocations1764406800000 implements MigrationInterface {
  name = 'Revocations1764406800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE revocations (
        id         uuid        PRIMARY KEY,
        kind       text        NOT NULL CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin')),
        value      text        NOT NULL CHECK (length(value) BETWEEN 1 AND 2048),
        reason     text        NOT NULL CHECK (length(reason) <= 2048),
        actor      text        NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        status     text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lifted', 'expired')),
        lifted_at  timestamptz,
        lifted_by  text,
        CONSTRAINT revocations_ended_check CHECK ((status = 'active') = (lifted_at IS NULL))
      )`);
    // One revocation in force per subject, also when two admins revoke it at the same moment.
    await q.query(`CREATE UNIQUE INDEX revocations_active_key ON revocations (kind, value) WHERE status = 'active'`);
    await q.query(`CREATE INDEX revocations_key_idx ON revocations (kind, value)`);
    await q.query(`CREATE INDEX revocations_expiry_idx ON revocations (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE revocation_outbox (
        seq          bigserial   PRIMARY KEY,
        topic        text        NOT NULL,
        key          text        NOT NULL,
        event_id     uuid,
        data         jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX revocation_outbox_pending_idx ON revocation_outbox (seq) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE revocation_outbox`);
    await q.query(`DROP TABLE revocations`);
  }
}
