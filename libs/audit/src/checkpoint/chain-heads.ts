import { createHash } from 'node:crypto';

/** A chain's end at one moment: how many links it has and the hash of the last (genesis when none). */
export interface ChainHead {
  topic: string;
  partition: number;
  length: number;
  hash: string;
}

/**
 * The claims of a signed checkpoint (`typ: audit-checkpoint+jwt`). `seq` numbers the checkpoints
 * 1, 2, 3, … and `prev` is the SHA-256 (hex) of the previous checkpoint's JWS (64 zeros for the
 * first), so a copy kept elsewhere shows a checkpoint missing or out of order. Checkpoints made
 * before these two claims existed carry neither.
 */
export interface CheckpointClaims {
  iss: string;
  iat: number;
  seq?: number;
  prev?: string;
  heads: ChainHead[];
}

export const CHECKPOINT_TYP = 'audit-checkpoint+jwt';
export const CHECKPOINT_ISSUER = 'admit-audit';

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Every chain head, in (topic, partition) order. */
export async function readHeads(query: Query): Promise<ChainHead[]> {
  const rows = await query<{ topic: string; partition: number; length: string; hash: string }>(
    `SELECT topic, partition, length::text AS length, hash FROM audit_chain_heads WHERE length > 0 ORDER BY topic, partition`,
  );
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, length: Number(r.length), hash: r.hash }));
}

export function sameHeads(a: ChainHead[], b: ChainHead[]): boolean {
  return a.length === b.length && a.every((h, i) => h.topic === b[i].topic && h.partition === b[i].partition && h.length === b[i].length && h.hash === b[i].hash);
}

/** SHA-256 (hex) of a checkpoint's JWS: the `prev` claim of the next one. */
export function checkpointDigest(jws: string): string {
  return createHash('sha256').update(jws, 'ascii').digest('hex');
}
