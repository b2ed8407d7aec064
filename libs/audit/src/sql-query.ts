/** One SQL statement with positional parameters: `DataSource.query`, a pg `Client`, a transaction. */
export type SqlQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The SqlQuery of a TypeORM DataSource (rows) or a pg Client (a result with `rows`). */
export function sqlOf(db: { query(sql: string, params?: unknown[]): Promise<unknown> }): SqlQuery {
  return async <T>(sql: string, params?: unknown[]) => {
    const out = (await db.query(sql, params)) as T[] | { rows: T[] };
    return Array.isArray(out) ? out : out.rows;
  };
}
