// Runs once per jest run: checks PostgreSQL answers, then migrates the template every suite's
// database is copied from, so migrations run once and suites start in milliseconds.
import 'reflect-metadata';
// jest loads global setup outside its module registry, so path aliases do not resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDataSource, ensureLoginRole, migrate } from '../../libs/store/src';
import { asRole, assertTestDatabase, databaseUrl, TEMPLATE_DB, TEST_APP_ROLE, TEST_OWNER_ROLE, TEST_SERVER_URL, withServer } from './database';

export default async function globalSetup(): Promise<void> {
  assertTestDatabase(TEMPLATE_DB);
  await withServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    for (const role of [TEST_OWNER_ROLE, TEST_APP_ROLE]) await ensureLoginRole((sql) => c.query(sql), role);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB} OWNER ${TEST_OWNER_ROLE}`);
  }).catch((err: unknown) => {
    throw new Error(`PostgreSQL at ${TEST_SERVER_URL} is not usable for tests: ${String(err)}`);
  });
  // Migrated by the owner role, as a deployment does, so the tables and grants every copy gets are real.
  const ds = await createDataSource({ url: asRole(databaseUrl(TEMPLATE_DB), TEST_OWNER_ROLE) }).initialize();
  try {
    await migrate(ds, { appRole: TEST_APP_ROLE });
  } finally {
    await ds.destroy();
  }
}
