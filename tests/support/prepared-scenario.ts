import { inTransaction, prepared, queryPrepared } from '@admit/store';
import { DataSource } from 'typeorm';

/**
 * What prepared statements (`@admit/store`) come to on one data source, PostgreSQL or PGlite: the
 * same statement with 1, 3 and 0 rows and past PostgreSQL's fifth run (where a generic plan may
 * take over), an error's SQLSTATE and the next statement after it, and inside transactions a
 * rollback and a commit. The table is the scenario's own.
 */
export async function preparedScenario(ds: DataSource): Promise<unknown> {
  await ds.query(`CREATE TABLE prepared_probe (id text PRIMARY KEY, n bigint NOT NULL, at timestamptz NOT NULL, doc jsonb NOT NULL)`);
  const insert = prepared(
    'probe_insert',
    `INSERT INTO prepared_probe SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::jsonb[]) RETURNING id, n::text AS n, at, doc`,
  );
  const rows = (ids: string[]) => [ids, ids.map((_, i) => 2 ** 40 + i), ids.map(() => '2026-06-01T12:00:00.000Z'), ids.map((id) => JSON.stringify({ id, nested: [1, 'two'] }))];

  const one = await queryPrepared(ds, insert, rows(['a']));
  const three = await queryPrepared(ds, insert, rows(['b', 'c', 'd']));
  const none = await queryPrepared(ds, insert, rows([]));
  for (let i = 0; i < 6; i++) await queryPrepared(ds, insert, rows([`run-${i}`]));
  const duplicate = await queryPrepared(ds, insert, rows(['e', 'a'])).then(
    () => 'no error',
    (err: { code?: string }) => err.code,
  );
  const afterError = await queryPrepared(ds, insert, rows(['e']));
  const rolledBack = await inTransaction(ds, async (query) => {
    await query(insert, rows(['f']));
    throw new Error('roll back');
  }).catch((err: Error) => err.message);
  const committed = await inTransaction(ds, (query) => query(insert, rows(['g'])));
  const ids = ((await ds.query(`SELECT id FROM prepared_probe ORDER BY id`)) as { id: string }[]).map((r) => r.id);
  await ds.query(`DROP TABLE prepared_probe`);
  // As JSON, as the PGlite run reports it from its own process.
  return JSON.parse(JSON.stringify({ one, three, none, duplicate, afterError, rolledBack, committed, ids }));
}
