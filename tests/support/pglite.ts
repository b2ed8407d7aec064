import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// PGlite loads its WASM with a dynamic import, which jest's module sandbox refuses; a plain node
// child reads the embedded store instead.
const SCRIPT = `
const { PGlite } = require('@electric-sql/pglite');
const [dir, sql, params] = process.argv.slice(1);
PGlite.create(dir)
  .then(async (db) => { const { rows } = await db.query(sql, JSON.parse(params)); await db.close(); return rows; })
  .then((rows) => process.stdout.write(JSON.stringify(rows)), (err) => { console.error(err); process.exit(1); });
`;

/** Runs one query against an embedded-mode data dir; Admit must not be running on it. */
export async function queryEmbeddedStore<T>(dataDir: string, sql: string, params: unknown[]): Promise<T[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT, dataDir, sql, JSON.stringify(params)]);
  return JSON.parse(stdout) as T[];
}
