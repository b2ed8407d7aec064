/**
 * `admit revoke <kind> <value> --reason …` and `admit revocations list|lift`: the revocation app's
 * admin API (`--url` or ADMIT_URL, token from ADMIT_ADMIN_TOKEN). A change exits 0 only once Admit
 * answers that it is in force on every service; `ERR_REVOCATION_PENDING` (stored, not yet published) exits 1.
 */
import { REVOCATION_KINDS, RevocationView } from '@admit/contracts';
import { Argument, Command } from 'commander';
import { adminApi } from '../admin-api';
import { CliContext } from '../cli-exit';
import { writeAll } from '../audit/export-writer';

type Options = Record<string, string | boolean | undefined>;

export function register(program: Command, ctx: CliContext): void {
  const url = '--url <url>';
  const urlHelp = 'the revocation app (default: ADMIT_URL); the token is read from ADMIT_ADMIN_TOKEN';
  const print = (options: Options, data: unknown, text: string) => writeAll(ctx.out, options.json ? `${JSON.stringify(data, null, 2)}\n` : text);

  program
    .command('revoke')
    .description('revoke a client, a product, an anchor, a key or a document host: every service denies it from now on')
    .addArgument(new Argument('<kind>', 'what the value names').choices(REVOCATION_KINDS))
    .argument('<value>', 'the client id, software id, anchor id, key thumbprint or host')
    .requiredOption('--reason <text>', 'why: recorded in the audit trail, never shown to clients')
    .option('--expires-at <time>', 'lapse on its own at this RFC 3339 time')
    .option(url, urlHelp)
    .option('--json', 'JSON instead of a line')
    .action(async (kind: string, value: string, options: Options) => {
      const body = { kind, value, reason: options.reason, ...(typeof options.expiresAt === 'string' ? { expires_at: options.expiresAt } : {}) };
      const revocation = await adminApi(options.url as string | undefined, 'revocations:write').call<RevocationView>('POST', '/revocations', { body });
      await print(options, revocation, `revoked ${revocation.kind} ${revocation.value}: in force (id ${revocation.id})\n`);
    });

  const revocations = program.command('revocations').description('list and lift revocations');
  revocations
    .command('list')
    .description('the active revocations (with --all, lifted and expired ones too)')
    .option('--all', 'include lifted and expired revocations')
    .option(url, urlHelp)
    .option('--json', 'JSON instead of lines')
    .action(async (options: Options) => {
      const list = await adminApi(options.url as string | undefined, 'revocations:read').call<RevocationView[]>('GET', '/revocations', {
        query: { include: options.all ? 'lifted' : undefined },
      });
      await print(options, list, list.length === 0 ? 'no revocations\n' : `${list.map(describe).join('\n')}\n`);
    });
  revocations
    .command('lift')
    .description('lift a revocation: its subject is admitted afresh on its next request, from no record')
    .argument('<id>', 'the revocation id (see `admit revocations list`)')
    .option(url, urlHelp)
    .option('--json', 'JSON instead of a line')
    .action(async (id: string, options: Options) => {
      await adminApi(options.url as string | undefined, 'revocations:write').call('DELETE', `/revocations/${encodeURIComponent(id)}`);
      await print(options, { id, lifted: true }, `lifted ${id}\n`);
    });
}

function describe(r: RevocationView): string {
  const until = r.expires_at ? ` until ${r.expires_at}` : '';
  const lifted = r.lifted_at ? ` at ${r.lifted_at} by ${r.lifted_by ?? '?'}` : '';
  return `${r.id}  ${r.status}${lifted}  ${r.kind}=${r.value}  by ${r.actor} at ${r.created_at}${until}  (${r.reason})`;
}
