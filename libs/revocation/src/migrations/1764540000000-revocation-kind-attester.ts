import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations of a client attester (`attester`) cut every agent admitted by an attestation it signed. */
export class RevocationKindAttester1764540000000 implements MigrationInterface {
  name = 'RevocationKindAttester1764540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(
      `ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate', 'trust_domain', 'spiffe_prefix', 'attester'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE revocations DROP CONSTRAINT revocations_kind_check`);
    await q.query(
      `ALTER TABLE revocations ADD CONSTRAINT revocations_kind_check CHECK (kind IN ('client_id', 'software_id', 'anchor', 'jkt', 'origin', 'intermediate', 'trust_domain', 'spiffe_prefix'))`,
    );
  }
}
