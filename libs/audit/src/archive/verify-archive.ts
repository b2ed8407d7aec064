import { parsedJson } from '@admit/contracts';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { linkHash } from '../chain/chain-hash';
import { CheckpointReader } from '../verify/checkpoint-reader';
import { BreakReason } from '../verify/verify-report';
import { ARCHIVE_FORMAT, ARCHIVE_TYP, ArchivedRun, ArchiveLine, ArchiveManifest, ArchiveProblem, ArchiveReport, EVENTS_FILE, MANIFEST_FILE, SIGNATURE_FILE } from './archive-format';
import { sha256File } from './write-archive';

type Problem = ArchiveReport['problems'][number];

export interface ArchiveVerifyOptions {
  /** The public checkpoint keys the manifests' signatures must verify against. */
  jwks: JSONWebKeySet;
  /** The live chain (the database's links), to check the archives join it; without it, offline only. */
  live?: Pick<CheckpointReader, 'linksAt'>;
  now?: Date;
}

/**
 * Verifies archives with no database: `path` is one day's archive (it holds MANIFEST_FILE) or a
 * directory of them. For each: the manifest's signature, every file's SHA-256, every link recomputed
 * (reusing the chain's hash), the counts, the runs of links against the manifest's signed heads. Then,
 * across the days, each chain's runs must follow on from one another; with `live`, the runs at the
 * edges must meet the links the database still holds.
 */
export async function verifyArchives(path: string, options: ArchiveVerifyOptions): Promise<ArchiveReport> {
  const report: ArchiveReport = { ok: true, verified_at: (options.now ?? new Date()).toISOString(), live_checked: options.live !== undefined, archives: [], chains: [], problems: [] };
  const dirs = existsSync(join(path, MANIFEST_FILE)) || existsSync(join(path, SIGNATURE_FILE)) ? [path] : await archiveDirs(path, report.problems);
  const runs: (ArchivedRun & { day: string })[] = [];
  // One key set for every day: each checkpoint key is imported once.
  const keys = createLocalJWKSet(options.jwks);
  for (const dir of dirs) {
    const day = await verifyDay(dir, keys, report);
    if (day) runs.push(...day.manifest.chains.map((run) => ({ ...run, day: day.manifest.day })));
  }
  await checkContinuity(runs, report, options.live);
  report.ok = report.problems.length === 0;
  return report;
}

async function archiveDirs(path: string, problems: Problem[]): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    problems.push({ day: null, code: ArchiveProblem.FileMissing, description: `${path}: cannot be read: ${err.code ?? err.message}` });
    return [];
  });
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(path, e.name)).sort();
  if (dirs.length === 0 && problems.length === 0) problems.push({ day: null, code: ArchiveProblem.FileMissing, description: `${path}: no archive in it (no ${MANIFEST_FILE})` });
  return dirs;
}

/** One day's archive; returns its signed manifest when the signature holds (continuity is checked on signed heads only). */
async function verifyDay(dir: string, keys: ReturnType<typeof createLocalJWKSet>, report: ArchiveReport): Promise<{ manifest: ArchiveManifest } | undefined> {
  const problem = (code: Problem['code'], description: string, day: string | null = null) => report.problems.push({ day, code, description });
  const manifestBytes = await readFile(join(dir, MANIFEST_FILE)).catch(() => undefined);
  const jws = await readFile(join(dir, SIGNATURE_FILE), 'utf8').catch(() => undefined);
  if (!manifestBytes) problem(ArchiveProblem.FileMissing, `${dir}: ${MANIFEST_FILE} is missing`);
  if (jws === undefined) {
    problem(ArchiveProblem.FileMissing, `${dir}: ${SIGNATURE_FILE} is missing`);
    return undefined;
  }
  // The manifest the key signed is the one trusted; manifest.json must be it, byte for byte.
  let signed: Uint8Array;
  let kid: string | null;
  try {
    const header = decodeProtectedHeader(jws.trim());
    if (header.typ !== ARCHIVE_TYP) throw new Error(`its typ is not ${ARCHIVE_TYP}`);
    kid = header.kid ?? null;
    signed = (await compactVerify(jws.trim(), keys)).payload;
  } catch (err) {
    problem(ArchiveProblem.Signature, `${dir}: the manifest's signature does not verify: ${(err as Error).message}`);
    return undefined;
  }
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(Buffer.from(signed).toString('utf8')) as ArchiveManifest;
    if (manifest.format !== ARCHIVE_FORMAT) throw new Error(`format ${String(manifest.format)}`);
  } catch (err) {
    problem(ArchiveProblem.Unreadable, `${dir}: the signed manifest is not an archive manifest: ${(err as Error).message}`);
    return undefined;
  }
  const day = manifest.day;
  if (manifestBytes && !Buffer.from(signed).equals(manifestBytes)) problem(ArchiveProblem.ManifestAltered, `${dir}: ${MANIFEST_FILE} is not the manifest that was signed`, day);
  const entry = { day, dir, rows: 0, links_checked: 0, kid };
  report.archives.push(entry);
  for (const file of manifest.files) {
    const path = join(dir, file.name);
    if (!existsSync(path)) problem(ArchiveProblem.FileMissing, `${dir}: ${file.name} is missing`, day);
    else if ((await sha256File(path)) !== file.sha256) problem(ArchiveProblem.FileHash, `${dir}: ${file.name} does not have the SHA-256 the manifest gives`, day);
  }
  if (manifest.files.some((f) => f.name === EVENTS_FILE) && existsSync(join(dir, EVENTS_FILE))) await checkEvents(join(dir, EVENTS_FILE), manifest, entry, problem);
  return { manifest };
}

/** Every line of the events file: links recomputed and joined, times inside the day, runs and counts as the manifest signed them. */
async function checkEvents(
  path: string,
  manifest: ArchiveManifest,
  entry: ArchiveReport['archives'][number],
  problem: (code: Problem['code'], description: string, day?: string | null) => void,
): Promise<void> {
  const day = manifest.day;
  const from = Date.parse(manifest.from);
  const to = Date.parse(manifest.to);
  const runs: ArchivedRun[] = [];
  const seen = new Set<string>();
  let unchained = 0;
  let run: ArchivedRun | undefined;
  let lineNo = 0;
  try {
    for await (const raw of archiveLines(path)) {
      lineNo++;
      if (raw === '') continue;
      const where = `${EVENTS_FILE} line ${lineNo}`;
      const line = parsedJson(raw) as ArchiveLine | undefined;
      if (line === undefined) {
        problem(ArchiveProblem.Unreadable, `${where}: not JSON`, day);
        continue;
      }
      entry.rows++;
      const time = Date.parse(line.event.event_time);
      if (!(time >= from && time < to)) problem(ArchiveProblem.OutOfDay, `${where}: event ${line.event.event_id} is of ${line.event.event_time}, outside ${day}`, day);
      const link = line.link;
      if (!link) {
        unchained++;
        continue;
      }
      const chain = `${link.topic}/${link.partition}`;
      const at = `${where} (${chain} position ${link.position}, event ${line.event.event_id})`;
      if (line.event.topic !== link.topic || line.event.partition !== link.partition) problem(BreakReason.Misplaced, `${at}: the event is stored as ${line.event.topic}/${line.event.partition}`, day);
      const hash = linkHash(link.prev_hash, { ...line.event, event_time: new Date(line.event.event_time) });
      if (hash !== link.hash) problem(BreakReason.HashMismatch, `${at}: the event hashes to ${hash}, its link says ${link.hash}`, day);
      entry.links_checked++;
      const end = { length: link.position, hash: link.hash };
      const current = run && run.topic === link.topic && run.partition === link.partition ? run : undefined;
      if (current && link.position === current.end.length + 1) {
        if (link.prev_hash !== current.end.hash) problem(BreakReason.PrevMismatch, `${at}: the link's prev_hash ${link.prev_hash} is not the previous link's hash ${current.end.hash}`, day);
        current.end = end;
      } else {
        if ((current && link.position <= current.end.length) || (!current && seen.has(chain))) problem(ArchiveProblem.Heads, `${at}: the links are out of order`, day);
        run = { topic: link.topic, partition: link.partition, start: { length: link.position - 1, hash: link.prev_hash }, end };
        runs.push(run);
        seen.add(chain);
      }
    }
  } catch (err) {
    problem(ArchiveProblem.Unreadable, `${EVENTS_FILE}: cannot be read to its end: ${(err as Error).message}`, day);
  }
  if (entry.rows !== manifest.rows || unchained !== manifest.unchained) {
    problem(ArchiveProblem.Count, `${EVENTS_FILE} holds ${entry.rows} events (${unchained} unchained); the manifest signed ${manifest.rows} (${manifest.unchained} unchained)`, day);
  }
  if (JSON.stringify(runs) !== JSON.stringify(manifest.chains)) {
    const said = manifest.chains.map(describeRun).join(', ');
    problem(ArchiveProblem.Heads, `the links run ${runs.map(describeRun).join(', ') || 'nowhere'}; the manifest signed ${said || 'no links'}`, day);
  }
}

/** The lines of a gzip-compressed JSONL file, in order; throws when it cannot be read to its end. */
export async function* archiveLines(path: string): AsyncGenerator<string> {
  const text = new PassThrough();
  const unpacked = pipeline(createReadStream(path), createGunzip(), text).catch((err: Error) => err);
  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) yield line;
  const failed = await unpacked;
  if (failed) throw failed;
}

const describeRun = (r: ArchivedRun): string => `${r.topic}/${r.partition} ${r.start.length}..${r.end.length}`;

/** Each chain's runs over all the days, in chain order: each must start where the one before ended, or meet the live chain there. */
async function checkContinuity(runs: (ArchivedRun & { day: string })[], report: ArchiveReport, live?: ArchiveVerifyOptions['live']): Promise<void> {
  const byChain = new Map<string, (ArchivedRun & { day: string })[]>();
  for (const run of runs) {
    const key = `${run.topic}\u0000${run.partition}`;
    byChain.set(key, [...(byChain.get(key) ?? []), run]);
  }
  // Positions whose link the live chain must still hold with this hash: the edges no archive given continues.
  const edges: { run: ArchivedRun & { day: string }; head: ArchivedRun['end'] }[] = [];
  for (const chainRuns of [...byChain.values()]) {
    chainRuns.sort((a, b) => a.start.length - b.start.length);
    const first = chainRuns[0];
    const last = chainRuns[chainRuns.length - 1];
    report.chains.push({ topic: first.topic, partition: first.partition, from_length: first.start.length, to_length: last.end.length, to_hash: last.end.hash });
    if (first.start.length > 0) edges.push({ run: first, head: first.start });
    for (let i = 1; i < chainRuns.length; i++) {
      const [before, next] = [chainRuns[i - 1], chainRuns[i]];
      const chain = `${next.topic}/${next.partition}`;
      if (next.start.length < before.end.length || (next.start.length === before.end.length && next.start.hash !== before.end.hash)) {
        report.problems.push({
          day: next.day,
          code: ArchiveProblem.Discontinuous,
          description: `${chain}: ${next.day}'s links start from length ${next.start.length} (${next.start.hash}), ${before.day}'s end at length ${before.end.length} (${before.end.hash})`,
        });
      } else if (next.start.length > before.end.length) {
        if (!live) {
          report.problems.push({ day: next.day, code: ArchiveProblem.Gap, description: `${chain}: positions ${before.end.length + 1}..${next.start.length} (between ${before.day} and ${next.day}) are in no archive given` });
        } else {
          edges.push({ run: before, head: before.end }, { run: next, head: next.start });
        }
      }
    }
    edges.push({ run: last, head: last.end });
  }
  if (!live) return;
  const points = edges.filter((e) => e.head.length > 0);
  const links = await live.linksAt(points.map((e) => ({ topic: e.run.topic, partition: e.run.partition, position: e.head.length })));
  points.forEach(({ run, head }, i) => {
    const link = links[i];
    if (link?.hash !== head.hash) {
      report.problems.push({
        day: run.day,
        code: ArchiveProblem.LiveMismatch,
        description: `${run.topic}/${run.partition} position ${head.length}: the archive of ${run.day} has ${head.hash}, the database ${link?.hash ?? 'no link'}`,
      });
    }
  });
}
