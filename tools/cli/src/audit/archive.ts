import type { ArchiveReport, ArchivedDay } from '@admit/audit';
import { Command } from 'commander';
import { CliContext, CliExit, progress, progressDone } from '../cli-exit';
import { writeAll } from './export-writer';

type Options = Record<string, string | boolean | undefined>;

/** `admit audit archive`: each closed day before --before as a signed archive in --out; with --drop-after-verify, its partition dropped. */
export function registerArchive(audit: Command, ctx: CliContext): void {
  audit
    .command('archive')
    .description('write each closed day (UTC) before --before as a signed archive; with --drop-after-verify, then drop its partition')
    .requiredOption('--before <YYYY-MM-DD>', 'archive the days that end by the start of this day (UTC); today is never archived')
    .requiredOption('--out <dir>', "the directory the days' archives are written into (audit-YYYY-MM-DD each)")
    .option('--force', "replace a day's archive that exists in --out")
    .option('--key <file>', 'the audit checkpoint key (a private JWK Set) the manifests are signed with (default: ADMIT_CHECKPOINT_KEY_FILE)')
    .option('--database <url>', 'the PostgreSQL database (default: DATABASE_URL); the owner role for --drop-after-verify')
    .option('--drop-after-verify', "verify each day's archive, then drop the day's partition and record the drop")
    .option('--json', 'JSON instead of lines')
    .action(async (options: Options) => {
      const { dayStart } = await import('@admit/audit');
      const before = typeof options.before === 'string' ? dayStart(options.before) : undefined;
      if (!before) throw new CliExit('--before must be a day, YYYY-MM-DD', 2);
      const database = typeof options.database === 'string' ? options.database : process.env.DATABASE_URL;
      if (!database) throw new CliExit('give --database <postgres URL> (or set DATABASE_URL)', 2);
      const keys = await checkpointKeys(typeof options.key === 'string' ? options.key : process.env.ADMIT_CHECKPOINT_KEY_FILE);
      const { archiveDays, AuditError, AuditErrorCode } = await import('@admit/audit');
      const { createDataSource } = await import('@admit/store');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(options.out as string, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
        throw new CliExit(`--out ${String(options.out)}: cannot be created: ${err.code ?? err.message}`);
      });
      const ds = await createDataSource({ url: database }).initialize();
      try {
        const result = await archiveDays(ds, {
          before,
          out: options.out as string,
          keys,
          force: options.force === true,
          dropAfterVerify: options.dropAfterVerify === true,
          onDay: (day) => progress(ctx.err, `archiving ${day}…`),
        }).catch((err: Error) => {
          throw err instanceof AuditError && err.code === AuditErrorCode.ArchiveExists ? new CliExit(`--out: ${err.message}`) : err;
        });
        progressDone(ctx.err);
        await writeAll(ctx.out, options.json ? `${JSON.stringify(result, null, 2)}\n` : describeArchived(result));
        if (!result.ok) ctx.exitCode = 1;
      } finally {
        await ds.destroy();
      }
    });
}

/** `verify --archive`: offline, or with --database the edges checked against the live chain. */
export async function verifyArchive(options: Options, ctx: CliContext): Promise<void> {
  if (typeof options.jwks !== 'string') throw new CliExit('--archive needs --jwks: the public checkpoint keys the manifests are signed with', 2);
  if (options.url !== undefined || options.checkpoints !== undefined || options.maxAge !== undefined) {
    throw new CliExit('--archive is verified offline (or with --database): --url, --checkpoints and --max-age do not apply', 2);
  }
  const { verifyArchives, sqlCheckpointReader, sqlOf } = await import('@admit/audit');
  const { loadJwks } = await import('./audit-source');
  const jwks = await loadJwks(options.jwks);
  const { createDataSource } = await import('@admit/store');
  // Only an explicit --database: DATABASE_URL being set must not turn an offline check into an online one.
  const ds = typeof options.database === 'string' ? await createDataSource({ url: options.database }).initialize() : undefined;
  try {
    progress(ctx.err, 'verifying the archives…');
    const report = await verifyArchives(options.archive as string, { jwks, live: ds && sqlCheckpointReader(sqlOf(ds)) });
    progressDone(ctx.err);
    await writeAll(ctx.out, options.json ? `${JSON.stringify(report, null, 2)}\n` : describeArchiveReport(report));
    if (!report.ok) ctx.exitCode = 1;
  } finally {
    await ds?.destroy();
  }
}

async function checkpointKeys(file: string | undefined) {
  if (!file) throw new CliExit('give --key <checkpoint key file> (or set ADMIT_CHECKPOINT_KEY_FILE): the manifests are signed with it', 2);
  const { SigningKeys } = await import('@admit/keys');
  const { CHECKPOINT_KEY_FILE_VAR, GENERATED_CHECKPOINT_KEY_FILE } = await import('@admit/audit');
  try {
    return await SigningKeys.load({ file, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
  } catch (err) {
    throw new CliExit(`--key: ${(err as Error).message}`);
  }
}

function describeArchived(result: { ok: boolean; days: ArchivedDay[] }): string {
  const lines = result.days.map((d) => {
    const dropped = d.dropped ? `; dropped ${d.dropped.partition}, recorded as event ${d.dropped.event_id}` : '';
    return `${d.day}: ${d.rows} events in ${d.dir}${dropped}`;
  });
  const failed = result.days.find((d) => d.verified && !d.verified.ok);
  if (failed?.verified) lines.push(`${failed.day}: the archive did not verify, its partition was NOT dropped:`, ...failed.verified.problems.map((p) => `  ${p.code}: ${p.description}`));
  if (result.days.length === 0) lines.push('no closed day with events before --before');
  return `${lines.join('\n')}\n`;
}

export function describeArchiveReport(r: ArchiveReport): string {
  const links = r.archives.reduce((n, a) => n + a.links_checked, 0);
  const lines = [
    `${r.ok ? 'OK' : 'BROKEN'}: ${r.archives.length} archive(s), ${links} links in ${r.chains.length} chains recomputed; ${r.live_checked ? 'joined to the live chain checked' : 'offline (give --database to check the live chain)'}`,
    ...r.problems.map((p) => `  ${p.day ?? 'archive'}: ${p.code}: ${p.description}`),
  ];
  return `${lines.join('\n')}\n`;
}
