import { ChainHead } from '../checkpoint/chain-heads';
import { SqlQuery } from '../sql-query';

/** One stored checkpoint, as the database (or the audit API) gives it. */
export interface StoredCheckpointRow {
  seq: string;
  created_at: string | Date;
  kid: string;
  heads: ChainHead[];
  jws: string;
}

/** What a chain holds at a signed position now: the link's hash (null: no link) and the chain head's length. */
export interface LinkAt {
  topic: string;
  partition: number;
  position: number;
  hash: string | null;
  head_length: number;
}

/** The stored side of checkpoint verification: the database directly, or the audit API (the CLI with --url). */
export interface CheckpointReader {
  /** Up to `limit` checkpoints with a number above `after`, in number order. */
  page(after: string, limit: number): Promise<StoredCheckpointRow[]>;
  linksAt(points: { topic: string; partition: number; position: number }[]): Promise<LinkAt[]>;
}

export function sqlCheckpointReader(query: SqlQuery): CheckpointReader {
  return {
    page: (after, limit) =>
      query<StoredCheckpointRow>(`SELECT seq::text AS seq, created_at, kid, heads, jws FROM audit_checkpoints c WHERE c.seq > $1 ORDER BY c.seq LIMIT ${Math.floor(limit)}`, [after]),
    async linksAt(points) {
      if (points.length === 0) return [];
      const rows = await query<{ topic: string; partition: number; position: string; hash: string | null; head_length: string }>(
        `SELECT p.topic, p.partition, p.position::text AS position, l.hash, COALESCE(h.length, 0)::text AS head_length
         FROM unnest($1::text[], $2::int[], $3::bigint[]) WITH ORDINALITY AS p(topic, partition, position, i)
         LEFT JOIN audit_chain_links l ON l.topic = p.topic AND l.partition = p.partition AND l.position = p.position
         LEFT JOIN audit_chain_heads h ON h.topic = p.topic AND h.partition = p.partition
         ORDER BY p.i`,
        [points.map((p) => p.topic), points.map((p) => p.partition), points.map((p) => String(p.position))],
      );
      return rows.map((r) => ({ topic: r.topic, partition: r.partition, position: Number(r.position), hash: r.hash, head_length: Number(r.head_length) }));
    },
  };
}
