import { DataSource } from 'typeorm';
import { getPGliteInstance } from 'typeorm-pglite';

/** One SQL statement inside a transaction; rows come back as the driver parses them. */
export type TxQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Runs `work` in one transaction, committed when it resolves and rolled back when it rejects.
 * PGlite has one connection for the whole process, so a plain BEGIN would take in every other
 * module's statements until COMMIT; its own `transaction()` holds them back until this one ends.
 */
export async function inTransaction<T>(ds: DataSource, work: (query: TxQuery) => Promise<T>): Promise<T> {
  if (isEmbedded(ds)) {
    const pglite = await getPGliteInstance();
    return pglite.transaction((tx) => work(async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows));
  }
  return ds.transaction((manager) => work(<R>(sql: string, params?: unknown[]) => manager.query(sql, params) as Promise<R[]>));
}

/** True for the embedded store (PGlite), which the data source reaches through a driver instead of a URL. */
export function isEmbedded(ds: DataSource): boolean {
  return (ds.options as { driver?: unknown }).driver !== undefined;
}
