import { cpSync } from 'node:fs';

/** Where global setup keeps this jest run's migrated embedded store, which suites copy. */
export const EMBEDDED_TEMPLATE_ENV = 'JEST_EMBEDDED_STORE_TEMPLATE';

/**
 * A data dir for embedded Admit holding a copy of the store this jest run's global setup made and
 * migrated: PGlite's initdb takes seconds, a copy milliseconds, and Admit finds nothing to migrate.
 * Suites about what a first start does on an empty ADMIT_DATA_DIR start without one.
 */
export function embeddedDataDir(dataDir: string): string {
  const template = process.env[EMBEDDED_TEMPLATE_ENV];
  if (!template) throw new Error(`${EMBEDDED_TEMPLATE_ENV} is not set: run the suites through jest, whose global setup makes the embedded store`);
  cpSync(template, dataDir, { recursive: true });
  return dataDir;
}
