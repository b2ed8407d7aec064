import { AUDIT_MIGRATIONS, AUDITOR_ROLE } from '@admit/audit';
import { INTAKE_MIGRATIONS } from '@admit/intake';
import { REVOCATION_MIGRATIONS } from '@admit/revocation';
import { checkRoleName, createDataSource, ensureGroupRole, ensureLoginRole, migrate } from '@admit/store';
import { Client } from 'pg';

/**
 * Every service's migrations: what the owner role runs for a whole deployment (`npm run stack`,
 * `admit db migrate`), before granting the app role. Each distributed service migrates only its own.
 */
export const ALL_MIGRATIONS = [...AUDIT_MIGRATIONS, ...REVOCATION_MIGRATIONS, ...INTAKE_MIGRATIONS];

/** Runs `sql` on the server of `url`, connected to its maintenance database. */
async function onServer(url: string, run: (client: Client, name: string) => Promise<unknown>): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${JSON.stringify(name)}`);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await run(admin, name);
  } finally {
    await admin.end();
  }
}

/** Creates the database of `url` unless it exists. */
export function ensureDatabase(url: string): Promise<void> {
  return onServer(url, async (admin, name) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  });
}

export function dropDatabase(url: string): Promise<void> {
  return onServer(url, (admin, name) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The roles `npm run stack` sets up; docker-compose.yml and the README use the same names. */
export const STACK_ROLES = { owner: 'admit_owner', app: 'admit_app' } as const;

/**
 * Local runs: sets up the two roles on the server of `adminUrl` (a superuser, as on a development
 * machine with trust authentication), the database owned by the owner role, migrates it as the
 * owner and grants the app role; returns the URL the apps connect with, as the app role.
 * Idempotent. A database made before the roles existed is handed to the owner role first.
 */
export async function setUpStackDatabase(adminUrl: string, roles: { owner: string; app: string } = STACK_ROLES): Promise<string> {
  await onServer(adminUrl, async (admin, name) => {
    for (const role of [roles.owner, roles.app]) checkRoleName(role);
    for (const role of [roles.owner, roles.app]) await ensureLoginRole((sql) => admin.query(sql), role);
    await ensureGroupRole((sql) => admin.query(sql), AUDITOR_ROLE);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name} OWNER ${roles.owner}`);
    else await admin.query(`ALTER DATABASE ${name} OWNER TO ${roles.owner}`);
  });
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> $1`, [roles.owner]);
    for (const { tablename } of rows) await admin.query(`ALTER TABLE public.${tablename} OWNER TO ${roles.owner}`);
  } finally {
    await admin.end();
  }
  const ds = await createDataSource({ url: asRole(adminUrl, roles.owner) }).initialize();
  try {
    await migrate(ds, ALL_MIGRATIONS, { appRole: roles.app });
  } finally {
    await ds.destroy();
  }
  return asRole(adminUrl, roles.app);
}

/** `url` connecting as `role` (no password: local trust authentication). */
export function asRole(url: string, role: string): string {
  return Object.assign(new URL(url), { username: role, password: '' }).toString();
}
