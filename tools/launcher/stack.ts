/**
 * `npm run stack`: the distributed mode on this machine. The broker and topics are already up (see
 * package.json); this creates the database if needed and runs the five apps until Ctrl-C.
 */
import { ensureDatabase } from './database';
import { startDistributed } from './launcher';

const env = {
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/admit',
};

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
