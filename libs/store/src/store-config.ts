import { Type } from '@sinclair/typebox';
import { StoreLocation } from './data-source';

/** A distributed app's PostgreSQL. */
export const databaseConfig = {
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
};

/** Embedded mode's data folder: PGlite's files, and the keys and tokens generated on first start. */
export const dataDirConfig = {
  /** Where the embedded PostgreSQL (PGlite) keeps its files. */
  ADMIT_DATA_DIR: Type.String({ default: './.admit', minLength: 1 }),
};

/** The store those variables name: the data folder (embedded mode) or the database URL. */
export function storeOptions(config: { DATABASE_URL: string } | { ADMIT_DATA_DIR: string }): StoreLocation {
  return 'ADMIT_DATA_DIR' in config ? { dataDir: config.ADMIT_DATA_DIR } : { url: config.DATABASE_URL };
}
