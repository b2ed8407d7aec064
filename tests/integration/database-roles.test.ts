// Real: PostgreSQL, a database of its own copied from the template the owner role migrated, and the
// app role every service connects as. Nothing stubbed.
import { ALL_MIGRATIONS } from '@admit/launcher';
import { createDataSource, migrate } from '@admit/store';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { asRole, createTestDatabase, databaseUrl, TestDatabase, TEST_APP_ROLE, TEST_OWNER_ROLE, withServer } from '../support/database';

const APPEND_ONLY = [
  ['audit_events', 'audit_events_append_only'],
  ['audit_chain_links', 'audit_chain_links_append_only'],
  ['audit_checkpoints', 'audit_checkpoints_append_only'],
  ['audit_chain_start', 'audit_chain_start_append_only'],
] as const;

describe('the app role (least privilege)', () => {
  let db: TestDatabase;
  let app: Client;
  let su: Client;

  beforeAll(async () => {
    db = await createTestDatabase('roles');
    app = new Client({ connectionString: db.appUrl });
    su = new Client({ connectionString: db.url });
    await Promise.all([app.connect(), su.connect()]);
    // One row in each append-only table, so a refused DELETE or TRUNCATE would have had work to do.
    await app.query(`INSERT INTO audit_events (event_id, type, source, correlation_id, event_time, topic, partition, "offset", data)
      VALUES ('roles-1', 't', '/test', 'c', now(), 'admit.test.v1', 0, 0, '{}')`);
    await app.query(`INSERT INTO audit_chain_heads (topic, partition, length, hash) VALUES ('admit.test.v1', 0, 1, repeat('a', 64))`);
    await app.query(`INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash)
      SELECT seq, 'admit.test.v1', 0, 1, repeat('0', 64), repeat('a', 64) FROM audit_events WHERE event_id = 'roles-1'`);
    await app.query(`INSERT INTO audit_checkpoints (kid, heads, jws) VALUES ('k', '[]', 'x')`);
  });
  afterAll(async () => {
    await Promise.all([app?.end(), su?.end()]);
    await db?.drop();
  });

  it('connects as its own role, which is not the tables\' owner and not a superuser', async () => {
    const { rows } = await app.query(`SELECT current_user AS me, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su,
      (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events') AS owner`);
    expect(rows[0]).toEqual({ me: TEST_APP_ROLE, su: false, owner: expect.not.stringMatching(new RegExp(`^${TEST_APP_ROLE}$`)) });
  });

  it.each(APPEND_ONLY)('cannot disable the triggers of %s', async (table, trigger) => {
    await expect(app.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`)).rejects.toMatchObject({ code: '42501', message: `must be owner of table ${table}` });
    await expect(app.query(`ALTER TABLE ${table} DISABLE TRIGGER ALL`)).rejects.toMatchObject({ code: '42501', message: `must be owner of table ${table}` });
    await expect(app.query(`DROP TRIGGER ${trigger} ON ${table}`)).rejects.toMatchObject({ code: '42501', message: `must be owner of relation ${table}` });
    // audit_events' partitions each have a copy of its row trigger: all of them still enabled.
    const { rows } = await su.query(`SELECT DISTINCT tgenabled FROM pg_trigger WHERE tgname = $1`, [trigger]);
    expect(rows).toEqual([{ tgenabled: 'O' }]);
  });

  it('cannot switch triggers off for its session (session_replication_role)', async () => {
    await expect(app.query(`SET session_replication_role = replica`)).rejects.toMatchObject({ code: '42501', message: 'permission denied to set parameter "session_replication_role"' });
  });

  it.each(APPEND_ONLY.map(([table]) => table))('cannot delete from, truncate, update, drop or take over %s', async (table) => {
    const before = Number((await su.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    expect(before).toBeGreaterThan(0);
    const denied = { code: '42501', message: `permission denied for table ${table}` };
    await expect(app.query(`DELETE FROM ${table}`)).rejects.toMatchObject(denied);
    await expect(app.query(`TRUNCATE ${table}`)).rejects.toMatchObject(denied);
    await expect(app.query(`UPDATE ${table} SET ${table === 'audit_chain_start' ? 'legacy_max_seq = 0' : table === 'audit_checkpoints' ? "kid = 'forged'" : table === 'audit_events' ? "type = 'forged'" : "hash = repeat('0', 64)"}`)).rejects.toMatchObject(denied);
    await expect(app.query(`DROP TABLE ${table}`)).rejects.toMatchObject({ code: '42501', message: `must be owner of table ${table}` });
    await expect(app.query(`ALTER TABLE ${table} OWNER TO ${TEST_APP_ROLE}`)).rejects.toMatchObject({ code: '42501', message: `must be owner of table ${table}` });
    expect(Number((await su.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)).toBe(before);
  });

  it('cannot delete or truncate the chain heads, only move them', async () => {
    await expect(app.query(`DELETE FROM audit_chain_heads`)).rejects.toMatchObject({ code: '42501', message: 'permission denied for table audit_chain_heads' });
    await expect(app.query(`TRUNCATE audit_chain_heads`)).rejects.toMatchObject({ code: '42501', message: 'permission denied for table audit_chain_heads' });
    await expect(app.query(`UPDATE audit_chain_heads SET updated_at = now()`)).resolves.toMatchObject({ rowCount: 1 });
  });

  it('finds no migration pending and starts; a pending one is left to the owner with a message saying so', async () => {
    const ds = await createDataSource({ url: db.appUrl }).initialize();
    try {
      await expect(migrate(ds, ALL_MIGRATIONS)).resolves.toBeUndefined();
      await su.query(`DELETE FROM admit_migrations WHERE name = 'AuditQueryColumns1764414000000'`);
      await expect(migrate(ds, ALL_MIGRATIONS)).rejects.toThrow(/^the database role cannot run the pending migrations \(.*\); run `admit db migrate` as the owner role first$/);
    } finally {
      await ds.destroy();
    }
  });

  it('admit db migrate, run as the owner on an empty database, gives the app role exactly what it needs', async () => {
    const name = `admit_test_dbcli_${randomBytes(4).toString('hex')}`;
    await withServer((c) => c.query(`CREATE DATABASE ${name} OWNER ${TEST_OWNER_ROLE}`));
    const fresh = new Client({ connectionString: asRole(databaseUrl(name), TEST_APP_ROLE) });
    try {
      const run = (args: string[]) => promisify(execFile)('node_modules/.bin/tsx', ['tools/cli/src/main.ts', 'db', 'migrate', ...args]);
      await expect(run(['--database', asRole(databaseUrl(name), TEST_OWNER_ROLE)])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--app-role <role>' not specified") });
      await expect(run(['--database', asRole(databaseUrl(name), TEST_OWNER_ROLE), '--app-role', 'App; DROP'])).rejects.toMatchObject({
        code: 2,
        stderr: 'admit: unsupported role name "App; DROP": lowercase letters, digits and _ only\n',
      });
      const { stdout } = await run(['--database', asRole(databaseUrl(name), TEST_OWNER_ROLE), '--app-role', TEST_APP_ROLE]);
      expect(stdout).toBe(`migrated; ${TEST_APP_ROLE} may read, append to the audit trail and move its chain heads, and nothing more\n`);
      await fresh.connect();
      await fresh.query(`INSERT INTO audit_checkpoints (kid, heads, jws) VALUES ('k', '[]', 'x')`);
      await expect(fresh.query(`DELETE FROM audit_checkpoints`)).rejects.toMatchObject({ code: '42501', message: 'permission denied for table audit_checkpoints' });
      await expect(fresh.query(`ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL`)).rejects.toMatchObject({ code: '42501', message: 'must be owner of table audit_checkpoints' });
    } finally {
      await fresh.end().catch(() => undefined);
      await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});
