/**
 * `admit`: one commander program. Each command is a file of its own that exports
 * `register(program, ctx)`; add one by adding a line to COMMANDS. Commands load the libraries they use
 * only when they run, so `admit --version` and `--help` start nothing.
 */
import { Command, CommanderError } from 'commander';
import { version } from '../package.json';
import { register as adminToken } from './admin-token/admin-token-command';
import { register as audit } from './audit';
import { CliContext, CliExit, normalizeArgv } from './cli-exit';
import { register as db } from './db/db-command';
import { register as keys } from './keys/keys-command';
import { register as policy } from './policy/policy-command';
import { register as revocation } from './revocation/revocation-command';

const COMMANDS = [revocation, audit, keys, adminToken, policy, db];

export const EXIT_CODES = `
Exit codes: 0 done, 1 failed (or \`audit verify\` found something broken), 2 usage error.
Options are kebab-case; the old underscore spellings (--client_id) are accepted too, and so is --option=value.
Every command takes --help; commands that print data take --json.`;

export function createProgram(ctx: CliContext): Command {
  const program = new Command('admit')
    .description("Admit's command line: revocations, incidents, the audit trail, keys, admin tokens, policies, the database")
    .version(version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => void ctx.out.write(s), writeErr: (s) => void ctx.err.write(s), outputError: (s, write) => write(s.replace(/^error: /, 'admit: ')) })
    .addHelpText('after', EXIT_CODES);
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs `admit <argv>` and resolves with the exit code; a failure is one line on `err`, never a stack trace. */
export async function runCli(argv: readonly string[], io: Pick<CliContext, 'out' | 'err'>): Promise<number> {
  const ctx: CliContext = { ...io, exitCode: 0 };
  try {
    await createProgram(ctx).parseAsync(normalizeArgv(argv), { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    // Help and --version exit 0; everything else commander refuses (unknown option, missing value, help shown for a
    // missing command) is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    ctx.err.write(`admit: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliExit ? error.exitCode : 1;
  }
}
