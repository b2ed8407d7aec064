import { PARTITION_DROPPED, RETENTION_CHAIN } from '../archive/archive-format';
import { GENESIS_HASH, linkHash } from '../chain/chain-hash';
import { ChainHead } from '../checkpoint/chain-heads';
import { STORED_EVENT_COLUMNS, StoredEvent } from '../chain/stored-event';
import { SqlQuery } from '../sql-query';
import { sqlCheckpointReader } from './checkpoint-reader';
import { CheckpointCheckOptions, verifyCheckpoints } from './verify-checkpoints';
import { BreakReason, ChainBreak, VerifyReport } from './verify-report';

const PAGE = 1_000;

type LinkRow = { position: string; prev_hash: string; hash: string; event_seq: string } & Partial<StoredEvent>;

export interface VerifyProgress {
  chains_done: number;
  chains_total: number;
  links_checked: number;
}

export interface VerifyOptions extends CheckpointCheckOptions {
  /**
   * `latest-checkpoint`: each chain is recomputed from the head the newest stored checkpoint signed
   * (the checkpoints themselves are still all checked), so the answer takes the links since then,
   * not the whole trail. Default: every chain from its first link.
   */
  from?: 'genesis' | 'latest-checkpoint';
  /** Called after each chain and every page of links. */
  onProgress?: (progress: VerifyProgress) => void;
}

/**
 * Recomputes every chain from its first link (or from the latest checkpoint), page by page (constant memory), names each chain's
 * first broken link, compares the recorded heads, finds events no link covers, and checks the
 * checkpoints (verifyCheckpoints): signatures against `jwks`, the external copy, the age.
 */
export async function verifyChains(query: SqlQuery, options: VerifyOptions = {}): Promise<VerifyReport> {
  const now = options.now ?? new Date();
  const chains = await query<{ topic: string; partition: number }>(
    `SELECT topic, partition FROM audit_chain_heads UNION SELECT DISTINCT topic, partition FROM audit_chain_links ORDER BY 1, 2`,
  );
  const starts = new Map<string, ChainHead>();
  let fromCheckpoint: string | null = null;
  if (options.from === 'latest-checkpoint') {
    const [latest] = await query<{ seq: string; heads: ChainHead[] }>(`SELECT seq::text AS seq, heads FROM audit_checkpoints c ORDER BY c.seq DESC LIMIT 1`);
    if (latest) {
      fromCheckpoint = latest.seq;
      for (const h of latest.heads) starts.set(`${h.topic}/${h.partition}`, h);
    }
  }
  const report: VerifyReport = {
    ok: true,
    verified_at: now.toISOString(),
    links_checked: 0,
    chains: [],
    breaks: [],
    unchained: { count: 0, first_seq: null },
    legacy_events: 0,
    checkpoints: { count: 0, signatures_checked: false, latest: null, external: null, max_age_s: null, problems: [] },
    ...(options.from === 'latest-checkpoint' ? { from_checkpoint: fromCheckpoint } : {}),
  };
  const dropped = await droppedRuns(query);
  let done = 0;
  for (const { topic, partition } of chains) {
    const outcome = await verifyChain(query, topic, partition, starts.get(`${topic}/${partition}`), dropped.get(`${topic}/${partition}`) ?? [], (checked) =>
      options.onProgress?.({ chains_done: done, chains_total: chains.length, links_checked: report.links_checked + checked }),
    );
    report.links_checked += outcome.checked;
    report.chains.push({ topic, partition, length: outcome.length, head: outcome.head });
    if (outcome.broken) report.breaks.push(outcome.broken);
    done += 1;
    options.onProgress?.({ chains_done: done, chains_total: chains.length, links_checked: report.links_checked });
  }
  await findUnchained(query, report);
  report.checkpoints = await verifyCheckpoints(sqlCheckpointReader(query), { ...options, now });
  report.ok = report.breaks.length === 0 && report.unchained.count === 0 && report.checkpoints.problems.length === 0;
  return report;
}

/**
 * One chain, up to its recorded head read first: links appended while verifying are left for the
 * next run instead of being mistaken for a head that lags behind them.
 */
async function verifyChain(
  query: SqlQuery,
  topic: string,
  partition: number,
  start: ChainHead | undefined,
  dropped: DroppedRun[],
  onPage?: (checked: number) => void,
): Promise<{ checked: number; length: number; head: string; broken?: ChainBreak }> {
  const [head] = await query<{ length: string; hash: string }>(
    `SELECT length::text AS length, hash FROM audit_chain_heads WHERE topic = $1 AND partition = $2`,
    [topic, partition],
  );
  const until = head ? Number(head.length) : Number.MAX_SAFE_INTEGER;
  // From a signed head: the links up to it are the checkpoint's word (verifyCheckpoints checks it holds).
  let prev = start && start.length <= until ? start.hash : GENESIS_HASH;
  let expected = start && start.length <= until ? start.length + 1 : 1;
  const first = expected;
  const broken = (reason: BreakReason, description: string, row?: LinkRow): ChainBreak => ({
    topic,
    partition,
    position: expected,
    event_seq: row?.event_seq ?? null,
    event_id: row?.event_id ?? null,
    reason,
    description,
  });
  for (;;) {
    // The event by its seq, in the one partition its time (audit_event_ids) names; in every partition
    // only for an event the chain writer did not store (audit_events is partitioned by time, not seq).
    const rows = await query<LinkRow>(
      `SELECT l.position::text AS position, l.prev_hash, l.hash, l.event_seq::text AS event_seq, ${STORED_EVENT_COLUMNS}
       FROM audit_chain_links l LEFT JOIN audit_event_ids i ON i.seq = l.event_seq
       LEFT JOIN LATERAL (SELECT * FROM audit_events x WHERE x.seq = l.event_seq AND x.event_time = i.event_time
                          UNION ALL SELECT * FROM audit_events x WHERE i.seq IS NULL AND x.seq = l.event_seq) e ON TRUE
       WHERE l.topic = $1 AND l.partition = $2 AND l.position >= $3 AND l.position <= $4 ORDER BY l.position LIMIT ${PAGE}`,
      [topic, partition, expected, until],
    );
    for (const row of rows) {
      const fail = (reason: BreakReason, description: string) => ({ checked: expected - first, length: expected - 1, head: prev, broken: broken(reason, description, row) });
      if (Number(row.position) !== expected) return fail(BreakReason.LinkMissing, `no link at position ${expected}; the next is at ${row.position}`);
      if (row.prev_hash !== prev) return fail(BreakReason.PrevMismatch, `the link's prev_hash ${row.prev_hash} is not the previous link's hash ${prev}`);
      if (row.seq === undefined || row.seq === null) {
        if (!dropped.some((run) => expected > run.start && expected <= run.end)) return fail(BreakReason.LinkMissing, `the link's event ${row.event_seq} is not stored`);
        // Its day was archived and dropped: the link still joins the chain; its event is checked in the archive.
        prev = row.hash;
        expected++;
        continue;
      }
      const event = row as LinkRow & StoredEvent;
      if (event.topic !== topic || event.partition !== partition) {
        return fail(BreakReason.Misplaced, `the link's event is stored as ${event.topic}/${event.partition}`);
      }
      const hash = linkHash(prev, event);
      if (hash !== row.hash) return fail(BreakReason.HashMismatch, `event ${event.event_id} hashes to ${hash}, its link says ${row.hash}`);
      prev = hash;
      expected++;
    }
    onPage?.(expected - first);
    if (rows.length < PAGE) break;
  }
  const length = expected - 1;
  const checked = expected - first;
  // A head moved back hides the links after it from the loop above; they are still there. One
  // statement sees one snapshot, in which a chain's last link and its head moved together.
  const [now] = await query<{ last: string | null; length: string | null }>(
    `SELECT (SELECT max(position) FROM audit_chain_links WHERE topic = $1 AND partition = $2)::text AS last,
            (SELECT length FROM audit_chain_heads WHERE topic = $1 AND partition = $2)::text AS length`,
    [topic, partition],
  );
  const headProblem =
    head && length === until && now.last !== null && now.length !== null && Number(now.last) > Number(now.length)
      ? `the recorded head is at length ${now.length}, but the chain has links up to position ${now.last}: the head was moved back`
      : head && (length !== until || head.hash !== prev)
        ? `the recorded head is ${head.hash} at length ${head.length}; the links end at ${prev}, length ${length}`
        : undefined;
  return { checked, length, head: prev, ...(headProblem && { broken: broken(BreakReason.HeadMismatch, headProblem) }) };
}

interface DroppedRun {
  start: number;
  end: number;
}

/**
 * The runs of links whose events were archived and dropped, by chain (`topic/partition`), as the
 * recorded drops (admin actions in the retention chain) name them with their archive's signed heads.
 */
async function droppedRuns(query: SqlQuery): Promise<Map<string, DroppedRun[]>> {
  const rows = await query<{ chain: string; start: string; end: string }>(
    `SELECT (r->>'topic') || '/' || (r->>'partition') AS chain, r->'start'->>'length' AS start, r->'end'->>'length' AS "end"
     FROM audit_events e CROSS JOIN LATERAL jsonb_array_elements(e.data->'details'->'chains') AS r
     WHERE e.topic = $1 AND e.partition = $2 AND e.data->>'action' = $3 AND jsonb_typeof(e.data->'details'->'chains') = 'array'`,
    [RETENTION_CHAIN.topic, RETENTION_CHAIN.partition, PARTITION_DROPPED],
  );
  const runs = new Map<string, DroppedRun[]>();
  for (const r of rows) runs.set(r.chain, [...(runs.get(r.chain) ?? []), { start: Number(r.start), end: Number(r.end) }]);
  return runs;
}

async function findUnchained(query: SqlQuery, report: VerifyReport): Promise<void> {
  const [legacy] = await query<{ legacy_max_seq: string }>(`SELECT COALESCE(max(legacy_max_seq), 0)::text AS legacy_max_seq FROM audit_chain_start`);
  const [counts] = await query<{ legacy: string; unchained: string; first_seq: string | null }>(
    `SELECT (SELECT count(*) FROM audit_events WHERE seq <= $1)::text AS legacy,
            count(*)::text AS unchained, min(e.seq)::text AS first_seq
     FROM audit_events e WHERE e.seq > $1 AND NOT EXISTS (SELECT 1 FROM audit_chain_links l WHERE l.event_seq = e.seq)`,
    [legacy.legacy_max_seq],
  );
  report.legacy_events = Number(counts.legacy);
  report.unchained = { count: Number(counts.unchained), first_seq: counts.first_seq };
}
