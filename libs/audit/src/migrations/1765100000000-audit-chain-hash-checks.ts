import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The same rule for every stored chain hash (64 lowercase hex digits), checked the cheap way.
 * PostgreSQL's regex engine expands `{64}` into 64 states: `~ '^[0-9a-f]{64}$'` cost about 16 µs a
 * value, two per link row, about as much as the rest of the link's insert. A length test and
 * `~ '^[0-9a-f]+$'` accept exactly the same values for a fraction of that.
 */
const CHECKS = [
  ['audit_chain_links', 'prev_hash'],
  ['audit_chain_links', 'hash'],
  ['audit_chain_heads', 'hash'],
] as const;

export class AuditChainHashChecks1765100000000 implements MigrationInterface {
  name = 'AuditChainHashChecks1765100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of CHECKS) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check,
        ADD CONSTRAINT ${table}_${column}_check CHECK (length(${column}) = 64 AND ${column} ~ '^[0-9a-f]+$')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of CHECKS) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check, ADD CONSTRAINT ${table}_${column}_check CHECK (${column} ~ '^[0-9a-f]{64}$')`);
    }
  }
}
