import { parse, PGlite, protocol } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';

/**
 * A statement a hot path runs again and again with other values: prepared once per connection under
 * its name, then only bound and run, so PostgreSQL parses and plans it once instead of on every run
 * (on PGlite that was half the CPU of a small insert). Its text must not vary: values go in
 * parameters, rows as one array per column (`unnest`).
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export function prepared(name: string, text: string): PreparedStatement {
  return { name, text };
}

/** Rows of `width` values as `width` arrays, one per column: the parameters of a statement of `unnest($1::t[], …)`. */
export function columns(rows: unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, c) => rows.map((row) => row[c]));
}

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/** What PGlite told when it prepared a statement: its parameters' types and the rows it returns. */
interface Described {
  paramTypes: number[];
  rowDescription?: BackendMessage;
}

/** Per PGlite instance (one per process), the statements prepared in its one session. */
const preparedOn = new WeakMap<PGlite, Map<string, Promise<Described>>>();

const NO_SYNC = { syncToFs: false };

/**
 * Runs `statement` on PGlite through the extended protocol under its name, as `PGlite.query` does for
 * an unnamed one (each message apart, then Sync, whatever happened). The caller holds PGlite's
 * transaction lock (inside `transaction()`, or through `runPGlitePrepared` below); this takes its query lock.
 */
export function queryPGlitePrepared<T>(pglite: PGlite, statement: PreparedStatement, params: readonly unknown[]): Promise<T[]> {
  return pglite._runExclusiveQuery(async () => {
    const described = await describedOn(pglite, statement);
    const values = params.map((value, i) => (value === null || value === undefined ? null : (pglite.serializers[described.paramTypes[i]]?.(value) ?? String(value))));
    const messages: BackendMessage[] = [];
    try {
      messages.push(...(await pglite.execProtocolStream(protocol.serialize.bind({ statement: statement.name, values }), NO_SYNC)));
      if (described.rowDescription) messages.push(described.rowDescription);
      messages.push(...(await pglite.execProtocolStream(protocol.serialize.execute({}), NO_SYNC)));
    } finally {
      messages.push(...(await pglite.execProtocolStream(protocol.serialize.sync(), NO_SYNC)));
    }
    return parse.parseResults(messages, pglite.parsers)[0].rows as T[];
  });
}

/** A prepared statement outside any transaction: waits for PGlite's transaction lock as `PGlite.query` does. */
export function runPGlitePrepared<T>(pglite: PGlite, statement: PreparedStatement, params: readonly unknown[]): Promise<T[]> {
  return pglite._runExclusiveTransaction(async () => {
    const rows = await queryPGlitePrepared<T>(pglite, statement, params);
    await pglite.syncToFs();
    return rows;
  });
}

/** PostgreSQL: node-postgres prepares a named statement on each connection the first time it runs there. */
export async function queryPgPrepared<T>(client: Pick<PoolClient, 'query'>, statement: PreparedStatement, params: readonly unknown[]): Promise<T[]> {
  return (await client.query({ name: statement.name, text: statement.text, values: [...params] })).rows as T[];
}

/** Parses and describes the statement the first time it runs on this instance; a failed attempt is tried again next time. */
function describedOn(pglite: PGlite, statement: PreparedStatement): Promise<Described> {
  let statements = preparedOn.get(pglite);
  if (!statements) preparedOn.set(pglite, (statements = new Map()));
  let described = statements.get(statement.name);
  if (!described) {
    described = describe(pglite, statement);
    statements.set(statement.name, described);
    described.catch(() => statements.delete(statement.name));
  }
  return described;
}

async function describe(pglite: PGlite, { name, text }: PreparedStatement): Promise<Described> {
  const messages: BackendMessage[] = [];
  try {
    messages.push(...(await pglite.execProtocolStream(protocol.serialize.parse({ name, text }), NO_SYNC)));
    messages.push(...(await pglite.execProtocolStream(protocol.serialize.describe({ type: 'S', name }), NO_SYNC)));
  } finally {
    messages.push(...(await pglite.execProtocolStream(protocol.serialize.sync(), NO_SYNC)));
  }
  const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
  return { paramTypes: params?.dataTypeIDs ?? [], rowDescription: messages.find((m) => m.name === 'rowDescription') };
}
