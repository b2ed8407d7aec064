/**
 * `admit db migrate --app-role <role>`: runs the migrations connected as the owner role
 * (`--database` or DATABASE_URL), then grants the app role what the services need and nothing more.
 * The services then connect as the app role, which cannot disable the audit trail's triggers.
 */
import { checkRoleName, createDataSource, migrate } from '@admit/store';
import { CliExit, parseOptions } from '../cli-exit';

export const USAGE = 'usage: admit db migrate --app-role <role> [--database <owner postgres URL>]   (or DATABASE_URL)';

export async function run(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'migrate') throw new CliExit(`${command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`}\n${USAGE}`, 2);
  const options = parseOptions(rest, ['database', 'app-role'], []);
  const url = typeof options.database === 'string' ? options.database : process.env.DATABASE_URL;
  if (!url) throw new CliExit(`give --database <owner postgres URL> or set DATABASE_URL\n${USAGE}`, 2);
  if (typeof options['app-role'] !== 'string') throw new CliExit(`--app-role is required: the role the services connect as\n${USAGE}`, 2);
  let appRole: string;
  try {
    appRole = checkRoleName(options['app-role']);
  } catch (err) {
    throw new CliExit((err as Error).message, 2);
  }
  const ds = await createDataSource({ url }).initialize();
  try {
    await migrate(ds, { appRole });
  } finally {
    await ds.destroy();
  }
  out.write(`migrated; ${appRole} may read, append to the audit trail and move its chain heads, and nothing more\n`);
  return 0;
}
