/**
 * `admit audit query|timeline|export|verify|report`: the auditor's CLI, against the audit API (`--url`,
 * token from ADMIT_ADMIN_TOKEN) or straight against the database (`--database` or DATABASE_URL).
 */
import { CheckpointCheckOptions, EVENT_FILTERS, EventFilters, Page, parseQuery, parseReportQuery, renderReportHtml, WINDOW_FILTERS } from '@admit/audit';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CliExit, parseOptions } from '../cli-exit';
import { apiSource, AuditSource, databaseSource, loadJwks } from './audit-source';
import { readExternalCheckpoints } from './external-source';
import { csvHeader, ExportFormat, formatEvent, writeAll } from './export-writer';

export const USAGE = [
  'usage: admit audit <command> [--url <audit API> | --database <postgres URL>] …',
  '  query    [--client_id …] [--type …] [--from …] [--to …] [--anchor …] [--origin …] [--decision allow|deny] [--policy_version …] [--jkt …] [--limit n] [--cursor c]',
  '  timeline --client_id <id> [--from …] [--to …] [--json]',
  '  export   [the query filters] [--format jsonl|csv] [--out <file>]',
  '  verify   [--jwks <file or URL>] [--checkpoints <file|topic>] [--max-age <seconds>] [--json]   (exit 1 when anything is broken)',
  '           --jwks: the audit service\'s public checkpoint keys, checked here (also with --url);',
  '           --checkpoints: the external copy, a file or a Kafka topic (read from KAFKA_BROKERS); needs --jwks',
  '  report   --from <RFC 3339> --to <RFC 3339> [--format json|html] [--out <file>]   (the evidence report of the window)',
  'With --url the token is read from ADMIT_ADMIN_TOKEN; without --url, --database or DATABASE_URL is read directly.',
].join('\n');

const SOURCE = ['url', 'database'];
const EXPORT_PAGE = 1_000;

export async function run(args: string[], out: Writable = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'query':
      return withSource(rest, [...EVENT_FILTERS, 'limit', 'cursor'], [], async (source, options) => {
        const { filters, page } = parse(options, EVENT_FILTERS);
        await writeAll(out, `${JSON.stringify(await source.events(filters, page), null, 2)}\n`);
        return 0;
      });
    case 'timeline':
      return withSource(rest, ['client_id', ...WINDOW_FILTERS, 'limit', 'cursor'], ['json'], async (source, options) => {
        if (typeof options.client_id !== 'string') throw new CliExit('timeline needs --client_id', 2);
        const { filters, page } = parse(options, [...WINDOW_FILTERS, 'client_id'] as const);
        const timeline = await source.timeline(options.client_id, filters, page);
        if (options.json) await writeAll(out, `${JSON.stringify(timeline, null, 2)}\n`);
        else await writeAll(out, describeTimeline(timeline));
        return 0;
      });
    case 'export':
      return withSource(rest, [...EVENT_FILTERS, 'format', 'out'], [], async (source, options) => {
        const format = (options.format ?? 'jsonl') as ExportFormat;
        if (format !== 'jsonl' && format !== 'csv') throw new CliExit('--format must be jsonl or csv', 2);
        const { filters } = parse(options, EVENT_FILTERS);
        const target = typeof options.out === 'string' ? createWriteStream(options.out, { flags: 'wx' }) : out;
        const count = await exportEvents(source, filters, format, target, err.isTTY ? err : undefined);
        if (target !== out) {
          target.end();
          await finished(target);
        }
        if (err.isTTY) err.write(`\rexported ${count} events\n`);
        return 0;
      });
    case 'verify':
      return withSource(rest, ['jwks', 'checkpoints', 'max-age'], ['json'], async (source, options) => {
        const report = await source.verify(await verifyOptions(options));
        if (options.json) await writeAll(out, `${JSON.stringify(report, null, 2)}\n`);
        else await writeAll(out, describeReport(report));
        return report.ok ? 0 : 1;
      });
    case 'report':
      return withSource(rest, ['from', 'to', 'format', 'out'], [], async (source, options) => {
        const { out: file, ...query } = options;
        let parsed: ReturnType<typeof parseReportQuery>;
        try {
          parsed = parseReportQuery(query);
        } catch (e) {
          throw new CliExit((e as Error).message, 2);
        }
        const report = await source.report(parsed.window);
        const text = parsed.format === 'html' ? renderReportHtml(report) : `${JSON.stringify(report, null, 2)}\n`;
        if (typeof file !== 'string') return writeAll(out, text).then(() => 0);
        const target = createWriteStream(file, { flags: 'wx' });
        await writeAll(target, text);
        target.end();
        await finished(target);
        return 0;
      });
    default:
      err.write(`${command === undefined || command === '--help' ? '' : `admit audit: unknown command ${JSON.stringify(command)}\n`}${USAGE}\n`);
      return 2;
  }
}

/** What `verify` checks the checkpoints with: the given keys, the external copy, the maximum age. */
async function verifyOptions(options: Record<string, string | true>): Promise<CheckpointCheckOptions> {
  const maxAge = options['max-age'];
  if (maxAge !== undefined && (typeof maxAge !== 'string' || !/^[1-9][0-9]{0,9}$/.test(maxAge))) throw new CliExit('--max-age must be a number of seconds', 2);
  if (typeof options.checkpoints === 'string' && typeof options.jwks !== 'string') {
    throw new CliExit('--checkpoints needs --jwks: an external copy is only evidence with the signatures checked', 2);
  }
  return {
    jwks: typeof options.jwks === 'string' ? await loadJwks(options.jwks) : undefined,
    external: typeof options.checkpoints === 'string' ? await readExternalCheckpoints(options.checkpoints) : undefined,
    maxAgeS: maxAge === undefined ? undefined : Number(maxAge),
  };
}

/** Every event matching `filters`, page by page: memory holds one page whatever the size of the export. */
export async function exportEvents(source: AuditSource, filters: EventFilters, format: ExportFormat, target: Writable, progress?: NodeJS.WriteStream): Promise<number> {
  if (format === 'csv') await writeAll(target, csvHeader());
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await source.events(filters, { limit: EXPORT_PAGE, cursor });
    for (const event of page.events) await writeAll(target, formatEvent(event, format));
    count += page.events.length;
    cursor = page.next_cursor ?? undefined;
    progress?.write(`\rexporting… ${count} events`);
  } while (cursor);
  return count;
}

async function withSource(
  args: string[],
  valued: readonly string[],
  flags: string[],
  work: (source: AuditSource, options: Record<string, string | true>) => Promise<number>,
): Promise<number> {
  const options = parseOptions(args, [...SOURCE, ...valued], flags);
  const database = typeof options.database === 'string' ? options.database : process.env.DATABASE_URL;
  if (typeof options.url === 'string' && options.database) throw new CliExit('give --url or --database, not both', 2);
  let source: AuditSource;
  if (typeof options.url === 'string') source = apiSource(options.url);
  else if (database) source = await databaseSource(database);
  else throw new CliExit('give --url <audit API> (with ADMIT_ADMIN_TOKEN) or --database <postgres URL> (or set DATABASE_URL)', 2);
  try {
    const rest = Object.fromEntries(Object.entries(options).filter(([k]) => !SOURCE.includes(k)));
    return await work(source, rest);
  } finally {
    await source.close();
  }
}

function parse<K extends keyof EventFilters>(options: Record<string, string | true>, allowed: readonly K[]): { filters: Pick<EventFilters, K>; page: Page } {
  const input = Object.fromEntries(Object.entries(options).filter(([k]) => (allowed as readonly string[]).includes(k) || k === 'limit' || k === 'cursor'));
  try {
    return parseQuery(input, allowed);
  } catch (e) {
    throw new CliExit((e as Error).message, 2);
  }
}

function describeTimeline(t: Awaited<ReturnType<AuditSource['timeline']>>): string {
  const lines = [`client ${t.client_id}: ${t.revoked ? 'REVOKED' : 'not revoked'}`];
  for (const e of t.events) {
    const d = e.data as Record<string, unknown>;
    const what = [d.decision, d.outcome, d.action, d.kind && `${String(d.kind)}=${String(d.value)}`, d.policy_version].filter(Boolean).join(' ');
    lines.push(`${e.time}  ${e.type.replace(/^admit\./, '')}  ${what}`.trimEnd());
  }
  for (const r of t.revocations) lines.push(`revocation ${r.id}: ${r.kind}=${r.value} ${r.status}${r.ended_at ? ` at ${r.ended_at}` : ''} (${r.reason})`);
  if (t.next_cursor) lines.push(`… more: --cursor ${t.next_cursor}`);
  return `${lines.join('\n')}\n`;
}

function describeReport(r: Awaited<ReturnType<AuditSource['verify']>>): string {
  const lines = [
    `${r.ok ? 'OK' : 'BROKEN'}: ${r.links_checked} links in ${r.chains.length} chains recomputed`,
    ...r.breaks.map((b) => `  first broken link of ${b.topic}/${b.partition}: position ${b.position}, event ${b.event_id ?? '-'} (seq ${b.event_seq ?? '-'}): ${b.reason}: ${b.description}`),
    ...(r.unchained.count > 0 ? [`  ${r.unchained.count} events outside any chain, the first at seq ${r.unchained.first_seq}`] : []),
    `checkpoints: ${r.checkpoints.count}${r.checkpoints.signatures_checked ? ', signatures checked' : ', signatures NOT checked (give --jwks)'}` +
      (r.checkpoints.external ? `; ${r.checkpoints.external.count} in ${r.checkpoints.external.source}` : '; no external copy compared (give --checkpoints)'),
    ...r.checkpoints.problems.map((p) => `  ${p.seq === null ? 'checkpoints' : `checkpoint ${p.seq}`}: ${p.code}: ${p.description}`),
  ];
  return `${lines.join('\n')}\n`;
}
