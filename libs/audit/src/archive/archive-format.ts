import { StoredEvent } from '../chain/stored-event';
import { BreakReason } from '../verify/verify-report';

/**
 * One closed day of the audit trail, written by `admit audit archive` into a directory of its own
 * (`audit-YYYY-MM-DD`): EVENTS_FILE, the day's events with their chain links, gzip-compressed JSONL;
 * MANIFEST_FILE, what the day holds; SIGNATURE_FILE, a compact JWS over the manifest's bytes made
 * with the audit checkpoint key, verifiable with the published checkpoint JWKS.
 */
export const ARCHIVE_FORMAT = 'admit-audit-archive/1';
export const EVENTS_FILE = 'events.jsonl.gz';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.jws';
/** The `typ` of the manifest's JWS. */
export const ARCHIVE_TYP = 'audit-archive+json';

/**
 * The chain the retention's own evidence is stored in: not a Kafka topic-partition (the archive needs
 * only the database, and the CLI owns no Kafka offsets), so a name of its own, partition 0.
 */
export const RETENTION_CHAIN = { topic: 'admit.audit.retention', partition: 0 } as const;
/** The admin action that records a dropped partition. */
export const PARTITION_DROPPED = 'audit.partition.dropped';

/** The name of a day's partition of audit_events. */
export const partitionName = (day: string): string => `audit_events_p${day.replace(/-/g, '')}`;

/** A day's archive directory name. */
export const archiveDirName = (day: string): string => `audit-${day}`;

/** A chain's end: how many links it had and the hash of the last (genesis: 0 and 64 zeros). */
export interface ArchivedHead {
  length: number;
  hash: string;
}

/**
 * A run of consecutive links of one chain (one Kafka topic-partition) inside one day's archive: the
 * chain head before its first link and after its last. A day normally holds one run per chain; an
 * event published late, placed in the chain among another day's, splits it.
 */
export interface ArchivedRun {
  topic: string;
  partition: number;
  start: ArchivedHead;
  end: ArchivedHead;
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  /** The UTC day of the events' `event_time`, YYYY-MM-DD; `from` inclusive, `to` exclusive. */
  day: string;
  from: string;
  to: string;
  created_at: string;
  /** Events in EVENTS_FILE, chained or not. */
  rows: number;
  /** Of those, events no link covers (stored before the chain existed). */
  unchained: number;
  /** The chain heads at both ends of each run of links, in (topic, partition, start) order. */
  chains: ArchivedRun[];
  files: { name: string; sha256: string; bytes: number }[];
}

/** A link as EVENTS_FILE carries it. */
export interface ArchivedLink {
  topic: string;
  partition: number;
  position: number;
  prev_hash: string;
  hash: string;
}

/** One line of EVENTS_FILE: the stored event (instants as ISO 8601) and its link (null: unchained). */
export interface ArchiveLine {
  link: ArchivedLink | null;
  event: Omit<StoredEvent, 'event_time' | 'recorded_at'> & { event_time: string; recorded_at: string };
}

/** What archive verification finds; a broken link is named with the database verification's BreakReason codes. */
export const ArchiveProblem = {
  /** A file of the archive (the manifest, its signature, a file the manifest lists) is not there. */
  FileMissing: 'ERR_AUDIT_ARCHIVE_FILE_MISSING',
  /** A file's SHA-256 is not the one the manifest gives. */
  FileHash: 'ERR_AUDIT_ARCHIVE_FILE_HASH',
  /** A file cannot be read as what it should be (not gzip, not JSON). */
  Unreadable: 'ERR_AUDIT_ARCHIVE_UNREADABLE',
  /** The manifest's JWS does not verify against the given checkpoint keys. */
  Signature: 'ERR_AUDIT_ARCHIVE_SIGNATURE',
  /** manifest.json is not the manifest the JWS signed. */
  ManifestAltered: 'ERR_AUDIT_ARCHIVE_MANIFEST_ALTERED',
  /** The events file holds another number of events (or unchained ones) than the manifest. */
  Count: 'ERR_AUDIT_ARCHIVE_COUNT',
  /** The links do not end where the manifest's chain heads say, or are out of order. */
  Heads: 'ERR_AUDIT_ARCHIVE_HEADS',
  /** An event's time is outside the archive's day. */
  OutOfDay: 'ERR_AUDIT_ARCHIVE_OUT_OF_DAY',
  /** Between two archives a chain has links no archive given holds (and no database was given to find them in). */
  Gap: 'ERR_AUDIT_ARCHIVE_GAP',
  /** Two archives' runs of a chain overlap, or one does not start from the head the one before ended at. */
  Discontinuous: 'ERR_AUDIT_ARCHIVE_DISCONTINUOUS',
  /** The live chain in the database does not hold the archived head at that position. */
  LiveMismatch: 'ERR_AUDIT_ARCHIVE_LIVE_MISMATCH',
} as const;
export type ArchiveProblem = (typeof ArchiveProblem)[keyof typeof ArchiveProblem];

export interface ArchiveReport {
  ok: boolean;
  verified_at: string;
  /** Whether continuity with the live chain was checked (a database was given). */
  live_checked: boolean;
  archives: { day: string; dir: string; rows: number; links_checked: number; kid: string | null }[];
  /** Each chain over every archive given: where its first archived run starts and its last ends. */
  chains: { topic: string; partition: number; from_length: number; to_length: number; to_hash: string }[];
  problems: { day: string | null; code: ArchiveProblem | BreakReason; description: string }[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a YYYY-MM-DD day starts (UTC); undefined for anything else. */
export function dayStart(day: string): Date | undefined {
  if (!DAY.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day ? undefined : at;
}

export const DAY_MS = 86_400_000;
