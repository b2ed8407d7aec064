// Runs once per jest run: checks PostgreSQL answers, then migrates the template every suite's
// database is copied from, so migrations run once and suites start in milliseconds.
import 'reflect-metadata';
// jest loads global setup outside its module registry, so path aliases do not resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDataSource, migrate } from '../../libs/store/src';
import { assertTestDatabase, databaseUrl, TEMPLATE_DB, TEST_SERVER_URL, withServer } from './database';

export default async function globalSetup(): Promise<void> {
  assertTestDatabase(TEMPLATE_DB);
  await withServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  }).catch((err: unknown) => {
    throw new Error(`PostgreSQL at ${TEST_SERVER_URL} is not usable for tests: ${String(err)}`);
  });
  const ds = await createDataSource({ url: databaseUrl(TEMPLATE_DB) }).initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}
