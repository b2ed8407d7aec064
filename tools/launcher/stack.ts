/**
 * `npm run stack [-- --scale validator=2 …]`: the distributed mode on this machine. The broker and
 * topics are already up (see package.json); this sets up the database (the owner role migrates, the
 * apps connect as the app role) and runs the five apps, as many copies of each as asked, until Ctrl-C.
 */
import { setUpStackDatabase, STACK_ROLES } from './database';
import { SERVICE_APPS, ServiceApp, startDistributed } from './launcher';

/** `--scale <app>=<n>`, repeatable. */
function parseScale(args: string[]): Partial<Record<ServiceApp, number>> {
  const scale: Partial<Record<ServiceApp, number>> = {};
  for (let i = 0; i < args.length; i += 2) {
    const match = args[i] === '--scale' ? /^([a-z]+)=([1-9][0-9]?)$/.exec(args[i + 1] ?? '') : null;
    if (!match || !(SERVICE_APPS as readonly string[]).includes(match[1])) {
      throw new Error(`usage: npm run stack -- [--scale <${SERVICE_APPS.join('|')}>=<1-99>]…; got ${JSON.stringify(args.slice(i, i + 2).join(' '))}`);
    }
    scale[match[1] as ServiceApp] = Number(match[2]);
  }
  return scale;
}

/** The revocation service's default ADMIT_HTTP_PORT (apps/revocation/src/config.ts). */
const REVOCATION_PORT = 8083;

/** A superuser of the local server, used only to set up the roles and the database. */
const ADMIN_DATABASE_URL = process.env.ADMIT_STACK_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/admit';

async function main(): Promise<void> {
  const scale = parseScale(process.argv.slice(2));
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    DATABASE_URL: await setUpStackDatabase(ADMIN_DATABASE_URL),
    // The console forwards revocations to the revocation service (its first copy's default port), as
    // embedded mode forwards them to itself; the console's session key is the launcher's dev key.
    ADMIT_REVOCATION_URL: process.env.ADMIT_REVOCATION_URL ?? `http://127.0.0.1:${REVOCATION_PORT}`,
  };
  console.log(`database migrated by ${STACK_ROLES.owner}; the apps connect as ${STACK_ROLES.app}`);
  const stack = await startDistributed({
    env,
    scale,
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  console.log(`\nAdmit is running (distributed). Register at ${stack.intakeUrl}/register; Ctrl-C stops it.`);
  for (const app of stack.apps) console.log(`  ${app.name.padEnd(10)} ${app.url}`);
  const audit = stack.apps.find((a) => a.name === 'audit');
  if (audit) console.log(`The auditor console: ${audit.url}/console (sign in with an audit:read token).`);
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
