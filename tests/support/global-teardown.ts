// Drops the template this jest run's global setup made (every project's teardown may call it).
import { TEMPLATE_ENV, withServer } from './database';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) return;
  delete process.env[TEMPLATE_ENV];
  await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
}
