import { Client } from 'pg';

/** Runs `sql` on the server of `url`, connected to its maintenance database. */
async function onServer(url: string, run: (client: Client, name: string) => Promise<unknown>): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${JSON.stringify(name)}`);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await run(admin, name);
  } finally {
    await admin.end();
  }
}

/** Creates the database of `url` unless it exists. */
export function ensureDatabase(url: string): Promise<void> {
  return onServer(url, async (admin, name) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  });
}

export function dropDatabase(url: string): Promise<void> {
  return onServer(url, (admin, name) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
