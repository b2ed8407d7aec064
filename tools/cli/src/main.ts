/**
 * `admit <command> …`: a tiny dispatcher. Each command is a file of its own that exports `run(args)`
 * and resolves with the exit code; add one by adding a line here.
 */
import { CliExit } from './cli-exit';
import * as adminToken from './admin-token/admin-token-command';
import * as audit from './audit';
import * as db from './db/db-command';
import * as policy from './policy/policy-command';

const COMMANDS: Record<string, { summary: string; run(args: string[]): Promise<number> }> = {
  policy: { summary: 'policy explain --request <file.json> [--policies <dir>] [--json]', run: policy.run },
  audit: { summary: 'audit query|timeline|export|verify|report [--url <audit API> | --database <url>] …', run: (args) => audit.run(args) },
  db: { summary: 'db migrate --app-role <role> [--database <owner url>]', run: (args) => db.run(args) },
  'admin-token': { summary: 'admin-token create --name <name> --scopes <scope,…>', run: (args) => adminToken.run(args) },
};

function usage(): string {
  return ['usage: admit <command> …', ...Object.values(COMMANDS).map((c) => `  admit ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name === undefined || name === '--help' ? usage() : `admit: unknown command ${JSON.stringify(name)}\n${usage()}`);
    return 2;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`admit: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof CliExit ? err.exitCode : 1;
  },
);
