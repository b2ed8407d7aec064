import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server tests use; they create their own databases on it, never touching others. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/**
 * One template per jest run, named by global setup and inherited by the run's workers: two runs at
 * once (two checkouts on one server, or two jest commands in one checkout) would otherwise drop
 * each other's template mid-run.
 */
export const TEMPLATE_ENV = 'ADMIT_TEST_TEMPLATE_DB';

export function newTemplateName(): string {
  return `admit_test_template_${randomBytes(6).toString('hex')}`;
}

function templateDb(): string {
  const name = process.env[TEMPLATE_ENV];
  if (!name) throw new Error(`${TEMPLATE_ENV} is not set: run the suites through jest, whose global setup migrates the template`);
  return name;
}

export function databaseUrl(name: string): string {
  return Object.assign(new URL(TEST_SERVER_URL), { pathname: `/${name}` }).toString();
}

/** Refuses any database whose name lacks `test`, so a mistyped URL cannot wipe real data. */
export function assertTestDatabase(name: string): void {
  if (!/test/.test(name) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to use database ${JSON.stringify(name)}: not a test database`);
}

export async function withServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one suite, copied from the template global setup migrated. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `admit_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  assertTestDatabase(name);
  await withServer((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
