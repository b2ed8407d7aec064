import { SigningKeys } from '@admit/keys';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditError, AuditErrorCode } from '../audit-error';
import { sqlOf } from '../sql-query';
import { sqlCheckpointReader } from '../verify/checkpoint-reader';
import { ArchiveReport, archiveDirName, MANIFEST_FILE, partitionName } from './archive-format';
import { dropArchivedDay } from './drop-partition';
import { verifyArchives } from './verify-archive';
import { closedDays, sha256File, writeDayArchive } from './write-archive';

export interface ArchiveDaysOptions {
  /** Days that end at or before this instant (and before today) are archived. */
  before: Date;
  out: string;
  keys: SigningKeys;
  /** Replace a day's archive directory that exists. */
  force?: boolean;
  /** Verify each day's archive (offline, and against the live chain), then drop its partition. */
  dropAfterVerify?: boolean;
  onDay?: (day: string) => void;
}

export interface ArchivedDay {
  day: string;
  dir: string;
  rows: number;
  manifest_sha256: string;
  /** With dropAfterVerify: the archive's verification, and the recorded drop. */
  verified?: ArchiveReport;
  dropped?: { partition: string; event_id: string };
}

/**
 * `admit audit archive`: every closed day before `before`, one archive each, oldest first. With
 * dropAfterVerify, a day's partition is dropped only once its archive, read back from disk, verified
 * with the key's public half and met the live chain; the first that does not stops the run.
 */
export async function archiveDays(db: DataSource, options: ArchiveDaysOptions): Promise<{ ok: boolean; days: ArchivedDay[] }> {
  const query = sqlOf(db);
  const days = await closedDays(query, options.before);
  const existing = days.map((day) => join(options.out, archiveDirName(day))).filter((dir) => existsSync(dir));
  if (existing.length > 0 && !options.force) throw new AuditError(AuditErrorCode.ArchiveExists, `${existing[0]} exists; add --force to replace it`);
  const out: ArchivedDay[] = [];
  for (const day of days) {
    options.onDay?.(day);
    const { dir, manifest } = await writeDayArchive(query, day, options.out, options.keys, options.force);
    const archived: ArchivedDay = { day, dir, rows: manifest.rows, manifest_sha256: await sha256File(join(dir, MANIFEST_FILE)) };
    out.push(archived);
    if (!options.dropAfterVerify) continue;
    archived.verified = await verifyArchives(dir, { jwks: options.keys.publicJwks(), live: sqlCheckpointReader(query) });
    if (!archived.verified.ok) return { ok: false, days: out };
    const { event_id } = await dropArchivedDay(db, manifest, archived.manifest_sha256);
    archived.dropped = { partition: partitionName(day), event_id };
  }
  return { ok: true, days: out };
}
