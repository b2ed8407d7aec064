import { SigningKeys } from '@admit/keys';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip, Gzip } from 'node:zlib';
import { STORED_EVENT_COLUMNS, StoredEvent } from '../chain/stored-event';
import { SqlQuery } from '../sql-query';
import { ARCHIVE_FORMAT, ARCHIVE_TYP, ArchivedRun, ArchiveLine, ArchiveManifest, archiveDirName, DAY_MS, EVENTS_FILE, MANIFEST_FILE, SIGNATURE_FILE } from './archive-format';

const PAGE = 1_000;

type LinkedRow = StoredEvent & { position: string; prev_hash: string; hash: string };

/**
 * The closed UTC days holding events before `before` (a day's start), oldest first: a day is closed
 * once it ended, so today is never one. Days without events are left out.
 */
export async function closedDays(query: SqlQuery, before: Date, now = new Date()): Promise<string[]> {
  const end = Math.min(before.getTime(), Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const [first] = await query<{ first: Date | null }>(`SELECT min(e.event_time) AS first FROM audit_events e WHERE e.event_time < $1`, [new Date(end).toISOString()]);
  if (!first?.first) return [];
  const days: string[] = [];
  for (let at = Math.floor(new Date(first.first).getTime() / DAY_MS) * DAY_MS; at < end; at += DAY_MS) {
    const [row] = await query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM audit_events e WHERE e.event_time >= $1 AND e.event_time < $2) AS any`, [
      new Date(at).toISOString(),
      new Date(at + DAY_MS).toISOString(),
    ]);
    if (row.any) days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Writes one day's archive as `<out>/audit-<day>` (see archive-format): the events whose `event_time`
 * falls in the day, each chain's links in position order, then the unchained ones; the manifest;
 * its signature with `keys`. Written beside the target and renamed into place, so a directory of
 * that name is always whole. An existing one is replaced only with `force`.
 */
export async function writeDayArchive(query: SqlQuery, day: string, out: string, keys: SigningKeys, force = false): Promise<{ dir: string; manifest: ArchiveManifest }> {
  const from = new Date(`${day}T00:00:00.000Z`);
  const to = new Date(from.getTime() + DAY_MS);
  const dir = join(out, archiveDirName(day));
  const partial = join(out, `.${archiveDirName(day)}.${randomBytes(4).toString('hex')}.partial`);
  await mkdir(partial, { recursive: true });
  try {
    const gzip = createGzip();
    const written = pipeline(gzip, createWriteStream(join(partial, EVENTS_FILE), { flags: 'wx' }));
    const counts = await writeEvents(query, gzip, from, to);
    gzip.end();
    await written;
    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      day,
      from: from.toISOString(),
      to: to.toISOString(),
      created_at: new Date().toISOString(),
      ...counts,
      files: [await fileEntry(partial, EVENTS_FILE)],
    };
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    await writeFile(join(partial, MANIFEST_FILE), bytes, { flag: 'wx' });
    await writeFile(join(partial, SIGNATURE_FILE), `${await keys.signBytes(bytes, ARCHIVE_TYP)}\n`, { flag: 'wx' });
    if (force) await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return { dir, manifest };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Streams the day's events into `gzip`; returns the counts and the runs of links for the manifest. */
async function writeEvents(query: SqlQuery, gzip: Gzip, from: Date, to: Date): Promise<Pick<ArchiveManifest, 'rows' | 'unchained' | 'chains'>> {
  const window = [from.toISOString(), to.toISOString()];
  // One write per page: a write per line would wait for the compressor's drain nearly every line.
  const write = async (lines: ArchiveLine[]) => {
    if (lines.length > 0 && !gzip.write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))) await once(gzip, 'drain');
  };
  const chains = await query<{ topic: string; partition: number; first: string; last: string }>(
    `SELECT l.topic, l.partition, min(l.position)::text AS first, max(l.position)::text AS last
     FROM audit_events e JOIN audit_chain_links l ON l.event_seq = e.seq
     WHERE e.event_time >= $1 AND e.event_time < $2 GROUP BY l.topic, l.partition ORDER BY l.topic, l.partition`,
    window,
  );
  const runs: ArchivedRun[] = [];
  let rows = 0;
  for (const chain of chains) {
    let run: ArchivedRun | undefined;
    // Through the chain's range a page of links at a time (its index), each with its event when that is of the day:
    // the day's events are most of the range, another day's (published late) are skipped.
    for (let after = Number(chain.first) - 1; after < Number(chain.last); ) {
      const page = await query<LinkedRow>(
        `SELECT l.position::text AS position, l.prev_hash, l.hash, ${STORED_EVENT_COLUMNS}
         FROM (SELECT * FROM audit_chain_links WHERE topic = $1 AND partition = $2 AND position > $3 AND position <= $4 ORDER BY position LIMIT ${PAGE}) l
         LEFT JOIN audit_events e ON e.seq = l.event_seq AND e.event_time >= $5 AND e.event_time < $6
         ORDER BY l.position`,
        [chain.topic, chain.partition, after, chain.last, ...window],
      );
      if (page.length === 0) break;
      const lines = page
        .filter((row) => row.seq !== null)
        .map((row): ArchiveLine => {
          const position = Number(row.position);
          if (!run || position !== run.end.length + 1) {
            run = { topic: chain.topic, partition: chain.partition, start: { length: position - 1, hash: row.prev_hash }, end: { length: position - 1, hash: row.prev_hash } };
            runs.push(run);
          }
          run.end = { length: position, hash: row.hash };
          return { link: { topic: chain.topic, partition: chain.partition, position, prev_hash: row.prev_hash, hash: row.hash }, event: archivedEvent(row) };
        });
      await write(lines);
      rows += lines.length;
      after = Number(page[page.length - 1].position);
    }
  }
  let unchained = 0;
  for (let after = '0'; ; ) {
    const page = await query<StoredEvent>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM audit_events e
       WHERE e.event_time >= $1 AND e.event_time < $2 AND e.seq > $3 AND NOT EXISTS (SELECT 1 FROM audit_chain_links l WHERE l.event_seq = e.seq)
       ORDER BY e.seq LIMIT ${PAGE}`,
      [...window, after],
    );
    await write(page.map((row) => ({ link: null, event: archivedEvent(row) })));
    unchained += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq;
  }
  return { rows: rows + unchained, unchained, chains: runs };
}

function archivedEvent(row: StoredEvent): ArchiveLine['event'] {
  return {
    seq: row.seq,
    event_id: row.event_id,
    type: row.type,
    source: row.source,
    subject: row.subject,
    correlation_id: row.correlation_id,
    causation_id: row.causation_id,
    event_time: new Date(row.event_time).toISOString(),
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    data: row.data,
    recorded_at: new Date(row.recorded_at).toISOString(),
  };
}

/** The manifest's entry for a file: its name, SHA-256 (hex) and size. */
export async function fileEntry(dir: string, name: string): Promise<{ name: string; sha256: string; bytes: number }> {
  return { name, sha256: await sha256File(join(dir, name)), bytes: (await stat(join(dir, name))).size };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
