/** Why verification stopped trusting a chain at a link. */
export const BreakReason = {
  /** The stored event no longer hashes to its link: the row was changed. */
  HashMismatch: 'ERR_AUDIT_HASH_MISMATCH',
  /** The link does not continue from the one before it: links were changed, removed or reordered. */
  PrevMismatch: 'ERR_AUDIT_PREV_MISMATCH',
  /** A position in the chain has no link. */
  LinkMissing: 'ERR_AUDIT_LINK_MISSING',
  /** The link's event belongs to another topic-partition. */
  Misplaced: 'ERR_AUDIT_LINK_MISPLACED',
  /** The recorded head is not where the recomputed chain ends: links were removed at the end, or the head forged. */
  HeadMismatch: 'ERR_AUDIT_HEAD_MISMATCH',
} as const;
export type BreakReason = (typeof BreakReason)[keyof typeof BreakReason];

export const CheckpointProblem = {
  /** The JWS does not verify against the given public keys: not made by the checkpoint key. */
  Signature: 'ERR_AUDIT_CHECKPOINT_SIGNATURE',
  /** The stored heads differ from the signed ones. */
  Altered: 'ERR_AUDIT_CHECKPOINT_ALTERED',
  /** A chain ends before a signed head, or lacks the link there: events were removed at its end. */
  Truncated: 'ERR_AUDIT_CHAIN_TRUNCATED',
  /** A chain has another hash at a signed position: its links were recomputed after the checkpoint. */
  Rewritten: 'ERR_AUDIT_CHAIN_REWRITTEN',
  /** A numbered checkpoint is absent: from the external copy, or (a gap in the numbers) from either. */
  Missing: 'ERR_AUDIT_CHECKPOINT_MISSING',
  /** A checkpoint of the external copy is no longer in the database. */
  Removed: 'ERR_AUDIT_CHECKPOINT_REMOVED',
  /** The database holds another JWS under the number of one in the external copy. */
  Replaced: 'ERR_AUDIT_CHECKPOINT_REPLACED',
  /** A checkpoint does not follow the one before it (its number or its `prev` digest). */
  OutOfSequence: 'ERR_AUDIT_CHECKPOINT_OUT_OF_SEQUENCE',
  /** No checkpoint is newer than the configured maximum age. */
  Stale: 'ERR_AUDIT_CHECKPOINT_STALE',
} as const;
export type CheckpointProblem = (typeof CheckpointProblem)[keyof typeof CheckpointProblem];

/** The first broken link of one chain. */
export interface ChainBreak {
  topic: string;
  partition: number;
  /** 1-based position in the chain. */
  position: number;
  /** The event at that link, when there is one. */
  event_seq: string | null;
  event_id: string | null;
  reason: BreakReason;
  description: string;
}

export interface VerifyReport {
  ok: boolean;
  verified_at: string;
  /** Verification from the latest checkpoint: its number (null: there was none, so every chain from its start). */
  from_checkpoint?: string | null;
  /** Links recomputed, over all chains, up to each chain's first break. */
  links_checked: number;
  chains: { topic: string; partition: number; length: number; head: string }[];
  breaks: ChainBreak[];
  /** Events stored after the chain began that no link covers: inserted around the audit service. */
  unchained: { count: number; first_seq: string | null };
  /** Events stored before the chain existed (by the migration that introduced it). */
  legacy_events: number;
  checkpoints: CheckpointsReport;
}

export interface CheckpointsReport {
  count: number;
  /** False when no public keys were given (for example the CLI against the database without --jwks). */
  signatures_checked: boolean;
  latest: { seq: string; created_at: string; kid: string } | null;
  /** The copy outside the database the stored checkpoints were compared with, when one was given. */
  external: { source: string; count: number; latest_seq: string | null } | null;
  /** The age the newest signed checkpoint may have (`--max-age`), when one was given. */
  max_age_s: number | null;
  /** `seq` is null for a problem of no single checkpoint (none at all, say). */
  problems: { seq: string | null; code: CheckpointProblem; description: string }[];
}
