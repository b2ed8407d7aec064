/**
 * `admit audit query|timeline|export|verify|report|archive` and `admit incidents`: the auditor's CLI, against
 * the audit API (`--url`, token from ADMIT_ADMIN_TOKEN) or straight against the database (`--database`
 * or DATABASE_URL). The audit and store libraries are loaded only when a command runs.
 */
import type { CheckpointCheckOptions, EventFilters, Page } from '@admit/audit';
import { AuditEventsQuery, AuditIncidentsQuery, AuditTimelineQuery } from '@admit/contracts';
import { Command, Option } from 'commander';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CliContext, CliExit, openOutput, progress, progressDone, snakeCase } from '../cli-exit';
import type { AuditSource, IncidentSubject } from './audit-source';
import { csvHeader, ExportFormat, formatEvent, writeAll } from './export-writer';
import { describeIncident, describeReport, describeTimeline } from './describe';
import { registerArchive, verifyArchive } from './archive';

const EXPORT_PAGE = 1_000;
const SOURCE_HELP = '\nWith --url the token is read from ADMIT_ADMIN_TOKEN; without --url, --database or DATABASE_URL is read directly.';
const TIME = '<RFC 3339>';

type Options = Record<string, string | boolean | undefined>;

/** `--url` and `--database`: where the audit store is read from. */
function withSourceOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the audit API (token from ADMIT_ADMIN_TOKEN)')
    .option('--database <url>', 'the PostgreSQL database, read directly (default: DATABASE_URL)')
    .addHelpText('after', SOURCE_HELP);
}

/** The query filters every event command takes. */
function withFilters(command: Command): Command {
  return command
    .option('--client-id <id>', 'one client')
    .option('--type <type>', 'an event type, such as admit.access.checked.v1')
    .option('--from <time>', `from this time, ${TIME}`)
    .option('--to <time>', `to this time, ${TIME}`)
    .option('--anchor <id>', 'admitted under this trust anchor')
    .option('--origin <origin>', 'metadata documents from this origin')
    .addOption(new Option('--decision <decision>', 'the decision').choices(['allow', 'deny']))
    .option('--policy-version <version>', 'decided under this policy version')
    .option('--jkt <thumbprint>', 'involving this key (RFC 7638 thumbprint)');
}

export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('query, export and verify the audit trail');

  withSourceOptions(withFilters(audit.command('query').description('one page of events matching the filters, as JSON')))
    .option('--limit <n>', 'events per page')
    .option('--cursor <cursor>', 'the next page, from the previous answer')
    .option('--json', 'JSON (the only output of query)')
    .action(async (options: Options) => {
      const { filters, page } = await parse(options, 'events');
      await withSource(options, async (source) => {
        await writeAll(ctx.out, `${JSON.stringify(await source.events(filters, page), null, 2)}\n`);
      });
    });

  withSourceOptions(audit.command('timeline').description("a client's decisions, checks and revocations, oldest first"))
    .requiredOption('--client-id <id>', 'the client')
    .option('--from <time>', `from this time, ${TIME}`)
    .option('--to <time>', `to this time, ${TIME}`)
    .option('--limit <n>', 'events per page')
    .option('--cursor <cursor>', 'the next page, from the previous answer')
    .option('--json', 'JSON instead of lines')
    .action(async (options: Options) => {
      const { filters, page } = await parse(options, 'timeline');
      await withSource(options, async (source) => {
        const timeline = await source.timeline(options.clientId as string, filters, page);
        await writeAll(ctx.out, options.json ? `${JSON.stringify(timeline, null, 2)}\n` : describeTimeline(timeline));
      });
    });

  withSourceOptions(withFilters(audit.command('export').description('every event matching the filters, page by page')))
    .addOption(new Option('--format <format>', 'one event per line (jsonl) or RFC 4180 CSV').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--force', 'overwrite --out if it exists')
    .action(async (options: Options) => {
      const { filters } = await parse(options, 'events');
      const target = typeof options.out === 'string' ? await openOutput(options.out, options.force === true) : ctx.out;
      await withSource(options, async (source) => {
        const count = await exportEvents(source, filters, options.format as ExportFormat, target, ctx.err);
        progressDone(ctx.err, `exported ${count} events`);
      }).finally(() => close(target, ctx));
    });

  withSourceOptions(audit.command('verify').description('recompute the hash chains and check the checkpoints, or verify archives (exit 1 when anything is broken)'))
    .option('--jwks <file or URL>', "the audit service's public checkpoint keys, checked here (also with --url)")
    .option('--archive <dir>', 'verify archives offline instead: one day (audit-YYYY-MM-DD) or a directory of them; needs --jwks; with --database, also their joins to the live chain')
    .option('--checkpoints <file|topic>', 'the external copy of the checkpoints, a file or a Kafka topic (read from KAFKA_BROKERS); needs --jwks')
    .option('--max-age <seconds>', 'the newest checkpoint must be at most this old')
    .option('--json', 'JSON instead of lines')
    .action(async (options: Options) => {
      if (typeof options.archive === 'string') return verifyArchive(options, ctx);
      await withSource(options, async (source) => {
        const checks = await verifyOptions(options);
        progress(ctx.err, 'verifying the hash chains…');
        const report = await source.verify(checks);
        progressDone(ctx.err);
        await writeAll(ctx.out, options.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
        if (!report.ok) ctx.exitCode = 1;
      });
    });

  registerArchive(audit, ctx);

  withSourceOptions(audit.command('report').description('the evidence report of a window'))
    .requiredOption('--from <time>', `the window's start, ${TIME}`)
    .requiredOption('--to <time>', `the window's end, ${TIME}`)
    .addOption(new Option('--format <format>', 'JSON or one self-contained HTML page').choices(['json', 'html']).default('json'))
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--force', 'overwrite --out if it exists')
    .action(async (options: Options) => {
      const { reportWindow, renderReportHtml } = await import('@admit/audit');
      const format = options.json ? 'json' : options.format;
      const window = usage(() => reportWindow({ from: options.from, to: options.to, format }));
      const target = typeof options.out === 'string' ? await openOutput(options.out, options.force === true) : ctx.out;
      await withSource(options, async (source) => {
        progress(ctx.err, `building the evidence report of ${window.from}..${window.to}…`);
        const report = await source.report(window);
        progressDone(ctx.err);
        await writeAll(target, format === 'html' ? renderReportHtml(report) : `${JSON.stringify(report, null, 2)}\n`);
      }).finally(() => close(target, ctx));
    });

  withSourceOptions(program.command('incidents').description('every client admitted under an anchor, a key or a document host, with its decisions and revocations'))
    .option('--anchor <id>', 'a trust anchor id')
    .option('--origin <origin>', 'a metadata document origin, such as https://app.example')
    .option('--jkt <thumbprint>', 'a client key (RFC 7638 thumbprint)')
    .option('--from <time>', `from this time, ${TIME}`)
    .option('--to <time>', `to this time, ${TIME}`)
    .option('--limit <n>', 'clients per page')
    .option('--cursor <cursor>', 'the next page, from the previous answer')
    .option('--json', 'JSON instead of lines')
    .action(async (options: Options) => {
      const subjects = (['anchor', 'origin', 'jkt'] as const).filter((k) => typeof options[k] === 'string');
      if (subjects.length !== 1) throw new CliExit('give exactly one of --anchor, --origin or --jkt', 2);
      const subject: IncidentSubject = { kind: subjects[0], value: options[subjects[0]] as string };
      const { filters, page } = await parse(options, 'incident');
      await withSource(options, async (source) => {
        const incident = await source.incident(subject, filters, page);
        await writeAll(ctx.out, options.json ? `${JSON.stringify(incident, null, 2)}\n` : describeIncident(incident));
      });
    });
}

/** Ends an --out file (stdout stays open). */
async function close(target: Writable, ctx: CliContext): Promise<void> {
  if (target === ctx.out) return;
  target.end();
  await finished(target);
}

/** What `verify` checks the checkpoints with: the given keys, the external copy, the maximum age. */
async function verifyOptions(options: Options): Promise<CheckpointCheckOptions> {
  const maxAge = options.maxAge;
  if (maxAge !== undefined && (typeof maxAge !== 'string' || !/^[1-9][0-9]{0,9}$/.test(maxAge))) throw new CliExit('--max-age must be a number of seconds', 2);
  if (typeof options.checkpoints === 'string' && typeof options.jwks !== 'string') {
    throw new CliExit('--checkpoints needs --jwks: an external copy is only evidence with the signatures checked', 2);
  }
  const { loadJwks } = await import('./audit-source');
  const { readExternalCheckpoints } = await import('./external-source');
  const copy = options.checkpoints;
  return {
    jwks: typeof options.jwks === 'string' ? await loadJwks(options.jwks) : undefined,
    // Read again after the database's checkpoints, for those stored while it was read the first time.
    external: typeof copy === 'string' ? { ...(await readExternalCheckpoints(copy)), reread: async () => (await readExternalCheckpoints(copy)).checkpoints } : undefined,
    maxAgeS: maxAge === undefined ? undefined : Number(maxAge),
  };
}

/** Every event matching `filters`, page by page: memory holds one page whatever the size of the export. */
export async function exportEvents(source: AuditSource, filters: EventFilters, format: ExportFormat, target: Writable, err?: CliContext['err']): Promise<number> {
  if (format === 'csv') await writeAll(target, csvHeader());
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await source.events(filters, { limit: EXPORT_PAGE, cursor });
    for (const event of page.events) await writeAll(target, formatEvent(event, format));
    count += page.events.length;
    cursor = page.next_cursor ?? undefined;
    if (err) progress(err, `exporting… ${count} events`);
  } while (cursor);
  return count;
}

async function withSource(options: Options, work: (source: AuditSource) => Promise<void>): Promise<void> {
  const database = typeof options.database === 'string' ? options.database : process.env.DATABASE_URL;
  if (typeof options.url === 'string' && typeof options.database === 'string') throw new CliExit('give --url or --database, not both', 2);
  const { apiSource, databaseSource } = await import('./audit-source');
  let source: AuditSource;
  if (typeof options.url === 'string') source = apiSource(options.url);
  else if (database) source = await databaseSource(database);
  else throw new CliExit('give --url <audit API> (with ADMIT_ADMIN_TOKEN) or --database <postgres URL> (or set DATABASE_URL)', 2);
  try {
    await work(source);
  } finally {
    await source.close();
  }
}

const PARSED = {
  events: ['client_id', 'type', 'from', 'to', 'anchor', 'origin', 'decision', 'policy_version', 'jkt'],
  timeline: ['from', 'to'],
  incident: ['from', 'to'],
} as const;

/** The filters and page of `options`, checked with the audit API's query schema of the command's route; a bad one is a usage error. */
async function parse(options: Options, kind: keyof typeof PARSED): Promise<{ filters: EventFilters; page: Page }> {
  const { checkedQuery, DEFAULT_LIMIT, filtersAndPage, INCIDENT_PAGE } = await import('@admit/audit');
  const input = snakeCase(options);
  const allowed: readonly string[] = PARSED[kind];
  const picked = Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && (allowed.includes(k) || k === 'limit' || k === 'cursor')));
  const schema = { events: AuditEventsQuery, timeline: AuditTimelineQuery, incident: AuditIncidentsQuery }[kind];
  // The incident view's page size and maximum are the audit API's.
  return usage(() => filtersAndPage(checkedQuery(schema, picked), kind === 'incident' ? INCIDENT_PAGE : DEFAULT_LIMIT));
}

function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new CliExit((e as Error).message, 2);
  }
}
