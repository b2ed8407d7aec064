/**
 * The two PostgreSQL roles of a distributed deployment. The owner role runs the migrations and owns
 * every table, so only it (or a superuser) can disable the append-only triggers. The app role, which
 * every service connects as, gets exactly what the services do: it reads, it appends to the audit
 * tables, it moves the chain heads forward; it never owns, deletes from or truncates the trail.
 */
type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** A role name PostgreSQL takes without quoting; roles are interpolated, so anything else is refused. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkRoleName(role: string): string {
  if (!ROLE_NAME.test(role)) throw new Error(`unsupported role name ${JSON.stringify(role)}: lowercase letters, digits and _ only`);
  return role;
}

/** What the app role may do, table by table; the audit trail is append-only, so no DELETE there. */
const APP_PRIVILEGES: [string, string][] = [
  ['SELECT, INSERT', 'audit_events'],
  // The ids stored, so a redelivered event is stored once (audit_events is partitioned by time, so it cannot say).
  ['SELECT, INSERT', 'audit_event_ids'],
  ['SELECT, INSERT', 'audit_chain_links'],
  ['SELECT, INSERT', 'audit_checkpoints'],
  ['SELECT', 'audit_chain_start'],
  // A new chain starts with an INSERT; extending one moves its head (locked with FOR UPDATE).
  ['SELECT, INSERT, UPDATE', 'audit_chain_heads'],
  ['SELECT, INSERT, UPDATE', 'revocations'],
  // Published rows are removed after a day; the outbox is not evidence, the audit trail is.
  ['SELECT, INSERT, UPDATE, DELETE', 'revocation_outbox'],
  // Replay protection, not evidence: a jti is kept until its assertion expires, then pruned.
  ['SELECT, INSERT, DELETE', 'client_assertion_jtis'],
  // Not evidence: an admission is kept until it expires, then pruned.
  ['SELECT, INSERT, UPDATE, DELETE', 'live_admissions'],
  // Not evidence: the report's figures of closed days, computed again whenever their day's events change.
  ['SELECT, INSERT, DELETE', 'audit_report_days'],
  ['SELECT, INSERT, DELETE', 'audit_report_day_clients'],
  // Enough to see that no migration is pending.
  ['SELECT', 'admit_migrations'],
];
const APP_SEQUENCES = ['audit_events_seq_seq', 'audit_checkpoints_seq_seq', 'revocation_outbox_seq_seq', 'audit_report_days_id_seq'];

/**
 * Grants `role` the app's privileges on the migrated schema and nothing more; run by the owner
 * after the migrations. Idempotent: GRANT of a privilege held is a no-op.
 */
export async function grantAppRole(query: Query, role: string): Promise<void> {
  checkRoleName(role);
  await query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  for (const [privileges, table] of APP_PRIVILEGES) await query(`GRANT ${privileges} ON ${table} TO ${role}`);
  await query(`GRANT USAGE ON SEQUENCE ${APP_SEQUENCES.join(', ')} TO ${role}`);
  // Creates tomorrow's partitions with the owner's rights; dropping one (audit_partition_drop) stays the owner's.
  await query(`GRANT EXECUTE ON FUNCTION audit_partition_ensure(date) TO ${role}`);
}

/**
 * Creates a login role unless it exists; safe when several processes do it at once (roles are
 * cluster-wide, so two may race). Needs a connection with CREATEROLE.
 */
export async function ensureLoginRole(query: Query, role: string): Promise<void> {
  checkRoleName(role);
  await query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} LOGIN; END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`);
}

/**
 * Creates a NOLOGIN role unless it exists (the auditors' `admit_auditor`, which the migrations grant
 * the `audit` views to). Needs a connection with CREATEROLE; the owner role usually has none.
 */
export async function ensureGroupRole(query: Query, role: string): Promise<void> {
  checkRoleName(role);
  await query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`);
}
