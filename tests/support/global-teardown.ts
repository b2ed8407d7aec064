// Drops the templates this jest run's global setup made (every project's teardown may call it).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { TEMPLATE_ENV, withServer } from './database';
import { EMBEDDED_TEMPLATE_ENV } from './embedded-store';

export default async function globalTeardown(): Promise<void> {
  const embedded = process.env[EMBEDDED_TEMPLATE_ENV];
  if (embedded) {
    delete process.env[EMBEDDED_TEMPLATE_ENV];
    rmSync(dirname(embedded), { recursive: true, force: true });
  }
  const template = process.env[TEMPLATE_ENV];
  if (!template) return;
  delete process.env[TEMPLATE_ENV];
  await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
}
