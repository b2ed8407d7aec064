/** `admit admin-token create`: a new admin token, shown once, and its tokens-file entry (or appended to the file). */
import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { CliContext, CliExit } from '../cli-exit';
import { writeAll } from '../audit/export-writer';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('admin-token')
    .description('admin tokens for the revocation and audit APIs')
    .command('create')
    .description('print a new admin token once, and the entry for ADMIT_ADMIN_TOKENS_FILE (which keeps only its hash)')
    .requiredOption('--name <name>', 'who uses it: the actor of every action it takes (letters, digits, ".", "_", "@", "-")')
    .requiredOption('--scopes <scope,...>', 'what it may do: audit:read, revocations:read, revocations:write')
    .option('--append <file>', 'add the entry to this tokens file (created, mode 0600, if missing)')
    .option('--json', 'JSON: {name, scopes, token, entry}')
    .action(async (options: { name: string; scopes: string; append?: string; json?: boolean }) => {
      const platform = await import('@admit/platform');
      const { ADMIN_NAME_PATTERN, ADMIN_SCOPES } = platform;
      if (!new RegExp(ADMIN_NAME_PATTERN).test(options.name)) {
        throw new CliExit('--name must be 1-64 characters: letters, digits, ".", "_", "@", "-", starting with a letter or digit', 2);
      }
      const scopes = [...new Set(options.scopes.split(',').map((s) => s.trim()).filter(Boolean))];
      const unknown = scopes.filter((s) => !platform.isAdminScope(s));
      if (scopes.length === 0 || unknown.length > 0) throw new CliExit(`--scopes must list one or more of ${ADMIN_SCOPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, 2);
      const token = platform.newAdminToken();
      const entry = platform.adminTokenEntryYaml({ name: options.name, sha256: platform.hashAdminToken(token), scopes: scopes as typeof ADMIN_SCOPES[number][] });
      if (options.append) await append(options.append, entry, platform.parseAdminTokensYaml);
      if (options.json) {
        await writeAll(ctx.out, `${JSON.stringify({ name: options.name, scopes, token, entry: `${entry}\n`, ...(options.append ? { appended_to: options.append } : {}) }, null, 2)}\n`);
      } else {
        const where = options.append ? `added to ${options.append}:` : 'add under "tokens:" in ADMIT_ADMIN_TOKENS_FILE:';
        await writeAll(ctx.out, `token (shown once; Admit keeps only its hash): ${token}\n\n${where}\n${entry}\n`);
      }
    });
}

/** Adds `entry` to the tokens file, checked whole first: a name used twice or a broken file is refused, the file left as it was. */
async function append(file: string, entry: string, check: (text: string, source: string) => unknown): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliExit(`--append ${file}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    text = 'tokens:\n';
  }
  const next = `${text}${text.endsWith('\n') ? '' : '\n'}${entry}\n`;
  try {
    check(next, `--append ${file}`);
  } catch (error) {
    const problems = (error as { problems?: string[] }).problems;
    throw new CliExit(problems?.length ? problems.join('; ') : (error as Error).message);
  }
  await writeFile(file, next, { mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
    throw new CliExit(`--append ${file}: cannot be written: ${error.code ?? 'error'}`);
  });
}
