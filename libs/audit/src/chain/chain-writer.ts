import { Inject, Injectable, Optional } from '@nestjs/common';
import { StoredEvents } from '@admit/bus';
import { CloudEvent } from '@admit/contracts';
import { columns, inTransaction, isEmbedded, isTransientDatabaseError, prepared, TxQuery } from '@admit/store';
import { DataSource } from 'typeorm';
import { ChainedFields, GENESIS_HASH, linkHash } from './chain-hash';
import { storedData } from './stored-data';

/** A row to store: its fields as they will read back, and its data as the JSON text that is inserted. */
interface NewRow extends ChainedFields {
  json: string;
}

export interface Positioned {
  event: CloudEvent;
  offset: string;
}

/** One caller's events of one topic-partition, waiting for the next group commit. */
interface Append extends ChainAppend {
  resolve: (inserted: number) => void;
  reject: (err: unknown) => void;
}

interface Head {
  length: bigint;
  hash: string;
}

/**
 * How transactions are cut: PGlite runs one statement at a time, so one writer with large groups;
 * PostgreSQL's backends use every core, so several writers (its pool holds ten connections, and
 * others need some) with groups small enough to spread. 11 parameters a row stays far below
 * PostgreSQL's 65,535 either way.
 */
const WRITERS = { embedded: { writers: 1, maxRows: 2_000 }, server: { writers: 4, maxRows: 500 } };

/**
 * The three statements of a group, prepared (parsed and planned once per connection): rows go as
 * one array per column, so one text serves any number of rows; the events' data as one JSON array,
 * parsed once, where an array of jsonb would be escaped and parsed element by element.
 */
const LOCK_HEADS = prepared(
  'admit_audit_lock_heads',
  `INSERT INTO audit_chain_heads AS h (topic, partition, length, hash)
   SELECT v.topic, v.partition, 0, '${GENESIS_HASH}' FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS v(topic, partition, n) ORDER BY v.n
   ON CONFLICT (topic, partition) DO UPDATE SET length = h.length
   RETURNING h.topic, h.partition, h.length::text AS length, h.hash`,
);
const INSERT_EVENTS = prepared(
  'admit_audit_insert_events',
  `WITH v AS (
     SELECT nextval('audit_events_seq_seq') AS seq, v.*, $11::jsonb -> (v.n::int - 1) AS data
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::int[], $10::bigint[])
       WITH ORDINALITY AS v(event_id, type, source, subject, correlation_id, causation_id, event_time, topic, partition, "offset", n) ORDER BY v.n),
   ids AS (INSERT INTO audit_event_ids (event_id, seq, event_time) SELECT event_id, seq, event_time FROM v ON CONFLICT (event_id) DO NOTHING RETURNING event_id)
   INSERT INTO audit_events (seq, event_id, type, source, subject, correlation_id, causation_id, event_time, topic, partition, "offset", data)
   SELECT v.seq, v.event_id, v.type, v.source, v.subject, v.correlation_id, v.causation_id, v.event_time, v.topic, v.partition, v."offset", v.data
   FROM v JOIN ids USING (event_id) ORDER BY v.seq
   RETURNING seq::text AS seq, event_id`,
);
const LINK_AND_MOVE_HEADS = prepared(
  'admit_audit_link',
  `WITH links AS (
     INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[]))
   UPDATE audit_chain_heads h SET length = v.length, hash = v.hash, updated_at = now()
   FROM unnest($7::text[], $8::int[], $9::bigint[], $10::text[]) AS v(topic, partition, length, hash)
   WHERE h.topic = v.topic AND h.partition = v.partition`,
);

/**
 * Appends events to audit_events and to their topic-partition's hash chain with group commit:
 * appends that arrive while the transactions in flight are being written wait, and go together in
 * the next one, so under load one transaction of three statements carries the events of many
 * partitions, and at rest nothing waits for a timer. Each append resolves only once its transaction
 * committed.
 *
 * The chain heads are locked first (an upsert, in key order), so two writers of the same partition
 * (a rebalance, a second instance) take turns instead of forking the chain. Events go in with one
 * multi-row INSERT that skips ids already stored (audit_event_ids), and only the rows it inserted are linked: a
 * redelivered event never extends the chain. A group that fails for any reason but an unavailable
 * database is written again one append at a time, so a poison batch fails only its own caller.
 */
@Injectable()
export class ChainWriter {
  private readonly queue: Append[] = [];
  private scheduled = false;
  private writing = 0;
  private readonly writers: number;
  private readonly maxRows: number;

  // Explicit tokens: the bench runs this under tsx, which emits no decorator metadata.
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Optional() @Inject(StoredEvents) private readonly stored?: StoredEvents,
  ) {
    ({ writers: this.writers, maxRows: this.maxRows } = isEmbedded(db) ? WRITERS.embedded : WRITERS.server);
  }

  /** Stores the events (in the given order, which is offset order); resolves with how many were new. */
  append(topic: string, partition: number, items: Positioned[]): Promise<number> {
    if (items.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ ...chainAppend(topic, partition, items), resolve, reject });
      // Started on the next turn, so appends made in this one share its transaction.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  /**
   * Starts transactions for what is queued, up to `writers` at once (see WRITERS).
   */
  private drain(): void {
    while (this.queue.length > 0 && this.writing < this.writers) {
      const group = this.queue.splice(0, groupLength(this.queue, this.maxRows));
      this.writing++;
      void this.commit(group).finally(() => {
        this.writing--;
        this.drain();
      });
    }
  }

  private async commit(group: Append[]): Promise<void> {
    try {
      this.settle(group, await this.write(group));
    } catch (err) {
      if (group.length === 1 || isTransientDatabaseError(err)) for (const append of group) append.reject(err);
      else for (const append of group) await this.write([append]).then((counts) => this.settle([append], counts), append.reject);
    }
  }

  /** Committed: each caller learns how many of its rows were new, and whoever waits on an event that it is stored. */
  private settle(group: Append[], counts: number[]): void {
    group.forEach((append, i) => append.resolve(counts[i]));
    this.stored?.committed(group.flatMap((append) => append.rows.map((row) => row.event_id)));
  }

  /** One transaction for the whole group; returns how many rows of each append were new. */
  private write(group: Append[]): Promise<number[]> {
    return inTransaction(this.db, (query) => writeChained(query, group));
  }
}

/** Events of one chain (a topic-partition), in offset order. */
export interface ChainAppend {
  topic: string;
  partition: number;
  rows: NewRow[];
}

/** The events of `positioned` as one chain's append. */
export function chainAppend(topic: string, partition: number, positioned: Positioned[]): ChainAppend {
  return { topic, partition, rows: positioned.map((item) => toRow(topic, partition, item)) };
}

/**
 * Stores and links the appends inside the caller's transaction, in three statements whatever their
 * number (heads locked in key order, the new events, their links with the heads moved); returns how
 * many rows of each append were new. ChainWriter runs it for its groups; a caller whose own change
 * must commit with its record (a partition drop) runs it in its transaction.
 */
export async function writeChained(query: TxQuery, group: ChainAppend[]): Promise<number[]> {
  const heads = await lockHeads(query, group);
  const inserted = await insertEvents(query, dedupe(group.flatMap((a) => a.rows)));
  if (inserted.size === 0) return group.map(() => 0);
  const links: unknown[][] = [];
  const counts = group.map(({ topic, partition, rows }) => {
    const head = heads.get(headKey(topic, partition))!;
    let count = 0;
    for (const row of rows) {
      const seq = inserted.get(row.event_id);
      if (seq === undefined) continue;
      // Linked once, even if the same event came twice in this group.
      inserted.delete(row.event_id);
      const hash = linkHash(head.hash, row);
      head.length += 1n;
      links.push([seq, topic, partition, head.length.toString(), head.hash, hash]);
      head.hash = hash;
      count++;
    }
    return count;
  });
  const moved = [...heads].map(([key, head]) => [...splitKey(key), head.length.toString(), head.hash]);
  await query(LINK_AND_MOVE_HEADS, [...columns(links, 6), ...columns(moved, 4)]);
  return counts;
}

/** How many queued appends the next transaction takes: at least one, however large. */
function groupLength(queue: Append[], maxRows: number): number {
  let rows = 0;
  for (let i = 0; i < queue.length; i++) {
    rows += queue[i].rows.length;
    if (rows > maxRows && i > 0) return i;
  }
  return queue.length;
}

const headKey = (topic: string, partition: number): string => `${partition}/${topic}`;
const splitKey = (key: string): [string, number] => {
  const slash = key.indexOf('/');
  return [key.slice(slash + 1), Number(key.slice(0, slash))];
};

/**
 * Locks every head the group extends, creating the missing ones, in one order for every writer, and
 * reads them: the upsert waits for a head another writer holds, and returns it as that writer left it.
 */
async function lockHeads(query: TxQuery, group: ChainAppend[]): Promise<Map<string, Head>> {
  const keys = [...new Set(group.map((a) => headKey(a.topic, a.partition)))].sort().map(splitKey);
  const rows = await query<{ topic: string; partition: number; length: string; hash: string }>(LOCK_HEADS, columns(keys, 2));
  return new Map(rows.map((r) => [headKey(r.topic, r.partition), { length: BigInt(r.length), hash: r.hash }]));
}

/**
 * Inserts the rows that are new, in one statement: each id goes into audit_event_ids first, and only
 * the rows whose id was not there yet go into audit_events (partitioned by time, so it cannot hold a
 * unique event id itself); returns their seq by event id.
 */
async function insertEvents(query: TxQuery, rows: NewRow[]): Promise<Map<string, string>> {
  const params = columns(
    rows.map((r) => [r.event_id, r.type, r.source, r.subject, r.correlation_id, r.causation_id, r.event_time.toISOString(), r.topic, r.partition, r.offset]),
    10,
  );
  const data = `[${rows.map((r) => r.json).join(',')}]`;
  const inserted = await query<{ seq: string; event_id: string }>(INSERT_EVENTS, [...params, data]);
  return new Map(inserted.map((r) => [r.event_id, r.seq]));
}

/** The row exactly as it will read back: the instant to the millisecond, `data` as JSON round-trips it (a bearer SVID by digest). */
function toRow(topic: string, partition: number, { event, offset }: Positioned): NewRow {
  const data = storedData(topic, event.data);
  return {
    event_id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject ?? null,
    correlation_id: event.correlationid,
    causation_id: event.causationid ?? null,
    event_time: new Date(event.time),
    topic,
    partition,
    offset,
    data: data.value,
    json: data.json,
  };
}

function dedupe(rows: NewRow[]): NewRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.event_id) && seen.add(r.event_id));
}
