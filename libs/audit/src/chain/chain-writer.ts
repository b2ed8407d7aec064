import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent } from '@admit/contracts';
import { inTransaction, TxQuery } from '@admit/store';
import { DataSource } from 'typeorm';
import { ChainedFields, GENESIS_HASH, linkHash } from './chain-hash';

export interface Positioned {
  event: CloudEvent;
  offset: string;
}

/**
 * Appends events of one topic-partition to audit_events and to that partition's hash chain, in one
 * transaction: the chain head is locked first (FOR UPDATE), so two consumers of the same partition
 * (a rebalance, a second instance) take turns instead of forking the chain. The events go in with
 * one multi-row INSERT that skips ids already stored, and only the rows it inserted are linked: a
 * redelivered event never extends the chain.
 */
@Injectable()
export class ChainWriter {
  // Explicit tokens: the bench runs this under tsx, which emits no decorator metadata.
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Stores the events (in the given order, which is offset order); returns how many were new. */
  async append(topic: string, partition: number, items: Positioned[]): Promise<number> {
    if (items.length === 0) return 0;
    const rows = dedupe(items.map((item) => toRow(topic, partition, item)));
    return inTransaction(this.db, async (query) => {
      const head = await lockHead(query, topic, partition);
      const inserted = await insertEvents(query, rows);
      if (inserted.size === 0) return 0;
      let prev = head.hash;
      let length = BigInt(head.length);
      const links: unknown[][] = [];
      for (const row of rows) {
        const seq = inserted.get(row.event_id);
        if (seq === undefined) continue;
        const hash = linkHash(prev, row);
        length += 1n;
        links.push([seq, topic, partition, length.toString(), prev, hash]);
        prev = hash;
      }
      await query(
        `INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash) VALUES ${placeholders(links.length, 6)}`,
        links.flat(),
      );
      await query(`UPDATE audit_chain_heads SET length = $3, hash = $4, updated_at = now() WHERE topic = $1 AND partition = $2`, [
        topic,
        partition,
        length.toString(),
        prev,
      ]);
      return links.length;
    });
  }
}

async function lockHead(query: TxQuery, topic: string, partition: number): Promise<{ length: string; hash: string }> {
  await query(`INSERT INTO audit_chain_heads (topic, partition, length, hash) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING`, [topic, partition, GENESIS_HASH]);
  const [head] = await query<{ length: string; hash: string }>(
    `SELECT length::text AS length, hash FROM audit_chain_heads WHERE topic = $1 AND partition = $2 FOR UPDATE`,
    [topic, partition],
  );
  return head;
}

/** Inserts the rows that are new; returns their seq by event id. */
async function insertEvents(query: TxQuery, rows: ChainedFields[]): Promise<Map<string, string>> {
  const params = rows.flatMap((r) => [
    r.event_id,
    r.type,
    r.source,
    r.subject,
    r.correlation_id,
    r.causation_id,
    r.event_time.toISOString(),
    r.topic,
    r.partition,
    r.offset,
    JSON.stringify(r.data),
  ]);
  const inserted = await query<{ seq: string; event_id: string }>(
    `INSERT INTO audit_events (event_id, type, source, subject, correlation_id, causation_id, event_time, topic, partition, "offset", data)
     VALUES ${placeholders(rows.length, 11, { 7: '::timestamptz', 10: '::bigint', 11: '::jsonb' })}
     ON CONFLICT (event_id) DO NOTHING RETURNING seq::text AS seq, event_id`,
    params,
  );
  return new Map(inserted.map((r) => [r.event_id, r.seq]));
}

/** The row exactly as it will read back: the instant to the millisecond, `data` as JSON round-trips it. */
function toRow(topic: string, partition: number, { event, offset }: Positioned): ChainedFields {
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
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
  };
}

function dedupe(rows: ChainedFields[]): ChainedFields[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.event_id) && seen.add(r.event_id));
}

/** `($1, $2), ($3, $4)`: `rows` tuples of `width` parameters, with casts by 1-based column. */
export function placeholders(rows: number, width: number, casts: Record<number, string> = {}): string {
  return Array.from({ length: rows }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}${casts[c + 1] ?? ''}`).join(', ')})`).join(', ');
}
