import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations of a SPIFFE trust domain (`trust_domain`) or SPIFFE ID prefix (`spiffe_prefix`) cut every workload under it. */
export class RevocationKindsSpiffe1764530000000 implements MigrationInterface {
  name = 'RevocationKindsSpiffe1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(
      `ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate', 'trust_domain', 'spiffe_prefix'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(`ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate'))`);
  }
}
