// Runs once per jest run (for each project it runs, the first one migrates): checks PostgreSQL
// answers, then migrates the template every suite's database is copied from, so migrations run once
// and suites start in milliseconds. The template is this run's own; global teardown drops it.
import 'reflect-metadata';
// jest loads global setup outside its module registry, so path aliases do not resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDataSource, migrate } from '../../libs/store/src';
import { assertTestDatabase, databaseUrl, newTemplateName, TEMPLATE_ENV, TEST_SERVER_URL, withServer } from './database';

export default async function globalSetup(): Promise<void> {
  // Another project of the same run already made it; the workers inherit the name.
  if (process.env[TEMPLATE_ENV]) return;
  const template = newTemplateName();
  assertTestDatabase(template);
  await withServer((c) => c.query(`CREATE DATABASE ${template}`)).catch((err: unknown) => {
    throw new Error(`PostgreSQL at ${TEST_SERVER_URL} is not usable for tests: ${String(err)}`);
  });
  process.env[TEMPLATE_ENV] = template;
  const ds = await createDataSource({ url: databaseUrl(template) }).initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}
