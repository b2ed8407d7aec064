import { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';
import { getPGliteInstance } from 'typeorm-pglite';
import { PreparedStatement, queryPGlitePrepared, queryPgPrepared, runPGlitePrepared } from './prepared';

/** One SQL statement inside a transaction, as text or prepared; rows come back as the driver parses them. */
export type TxQuery = <T = Record<string, unknown>>(sql: string | PreparedStatement, params?: unknown[]) => Promise<T[]>;

/**
 * Runs `work` in one transaction, committed when it resolves and rolled back when it rejects.
 * PGlite has one connection for the whole process, so a plain BEGIN would take in every other
 * module's statements until COMMIT; its own `transaction()` holds them back until this one ends.
 */
export async function inTransaction<T>(ds: DataSource, work: (query: TxQuery) => Promise<T>): Promise<T> {
  if (isEmbedded(ds)) {
    const pglite = await getPGliteInstance();
    return pglite.transaction((tx) =>
      work(async <R>(sql: string | PreparedStatement, params: unknown[] = []) =>
        typeof sql === 'string' ? (await tx.query<R>(sql, params)).rows : queryPGlitePrepared<R>(pglite, sql, params),
      ),
    );
  }
  return ds.transaction(async (manager) => {
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    return work(<R>(sql: string | PreparedStatement, params: unknown[] = []) =>
      typeof sql === 'string' ? (manager.query(sql, params) as Promise<R[]>) : queryPgPrepared<R>(client, sql, params),
    );
  });
}

/** Runs a prepared statement on its own (autocommit); rows come back as the driver parses them. */
export async function queryPrepared<T = Record<string, unknown>>(ds: DataSource, statement: PreparedStatement, params: unknown[]): Promise<T[]> {
  if (isEmbedded(ds)) return runPGlitePrepared<T>(await getPGliteInstance(), statement, params);
  // TypeORM's PostgreSQL driver keeps its node-postgres pool as `master`.
  return queryPgPrepared<T>((ds.driver as unknown as { master: Pick<PoolClient, 'query'> }).master, statement, params);
}

/** True for the embedded store (PGlite), which the data source reaches through a driver instead of a URL. */
export function isEmbedded(ds: DataSource): boolean {
  return (ds.options as { driver?: unknown }).driver !== undefined;
}
