import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations of an OpenID Federation intermediate (kind `intermediate`) cut every leaf below it. */
export class RevocationKindIntermediate1764520000000 implements MigrationInterface {
  name = 'RevocationKindIntermediate1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(`ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(`ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin'))`);
  }
}
