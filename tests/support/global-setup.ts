// Runs once per jest run (for each project it runs, the first one migrates): checks PostgreSQL
// answers, makes the owner and app roles, then migrates the template every suite's database is
// copied from, so migrations run once and suites start in milliseconds. The template is this run's
// own; global teardown drops it. The same for embedded mode: one migrated PGlite store that suites
// copy (tests/support/embedded-store.ts) instead of running PGlite's initdb each.
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// jest loads global setup outside its module registry, so path aliases do not resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AUDIT_MIGRATIONS, AUDITOR_ROLE } from '../../libs/audit/src/migrations';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { INTAKE_MIGRATIONS } from '../../libs/intake/src/migrations';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { REVOCATION_MIGRATIONS } from '../../libs/revocation/src/migrations';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDataSource, ensureGroupRole, ensureLoginRole, migrate, tightenPrivateDataDir } from '../../libs/store/src';
import { EMBEDDED_TEMPLATE_ENV } from './embedded-store';
import { asRole, assertTestDatabase, databaseUrl, newTemplateName, TEMPLATE_ENV, TEST_APP_ROLE, TEST_OWNER_ROLE, TEST_SERVER_URL, withServer } from './database';

/** Every service's (ALL_MIGRATIONS of @admit/launcher, which needs path aliases). */
const ALL_MIGRATIONS = [...AUDIT_MIGRATIONS, ...REVOCATION_MIGRATIONS, ...INTAKE_MIGRATIONS];

export default async function globalSetup(): Promise<void> {
  // Another project of the same run already made it; the workers inherit the name.
  if (process.env[TEMPLATE_ENV]) return;
  const template = newTemplateName();
  assertTestDatabase(template);
  await withServer(async (c) => {
    for (const role of [TEST_OWNER_ROLE, TEST_APP_ROLE]) await ensureLoginRole((sql) => c.query(sql), role);
    // Cluster-wide and NOLOGIN, as a deployment's superuser makes it; the owner role may not create roles.
    await ensureGroupRole((sql) => c.query(sql), AUDITOR_ROLE);
    await c.query(`CREATE DATABASE ${template} OWNER ${TEST_OWNER_ROLE}`);
  }).catch((err: unknown) => {
    throw new Error(`PostgreSQL at ${TEST_SERVER_URL} is not usable for tests: ${String(err)}`);
  });
  process.env[TEMPLATE_ENV] = template;
  // Migrated by the owner role, as a deployment does, so the tables and grants every copy gets are real.
  const ds = await createDataSource({ url: asRole(databaseUrl(template), TEST_OWNER_ROLE) }).initialize();
  try {
    await migrate(ds, ALL_MIGRATIONS, { appRole: TEST_APP_ROLE });
  } finally {
    await ds.destroy();
  }

  const dataDir = join(mkdtempSync(join(tmpdir(), 'admit-embedded-template-')), 'data');
  const embedded = await createDataSource({ dataDir }).initialize();
  try {
    await migrate(embedded, ALL_MIGRATIONS);
  } finally {
    await embedded.destroy();
  }
  await tightenPrivateDataDir(dataDir);
  process.env[EMBEDDED_TEMPLATE_ENV] = dataDir;
}
