/**
 * `npm run stack`: the distributed mode on this machine. The broker and topics are already up (see
 * package.json); this creates the database if needed and runs the five apps until Ctrl-C.
 */
import { startDistributed } from './launcher';
import { Client } from 'pg';

const env = {
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/admit',
};

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  await ensureDatabase(env.DATABASE_URL);
  const stack = await startDistributed({
    env,
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  console.log(`\nAdmit is running (distributed). Register at ${stack.intakeUrl}/register; Ctrl-C stops it.`);
  for (const app of stack.apps) console.log(`  ${app.name.padEnd(10)} ${app.url}`);
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
