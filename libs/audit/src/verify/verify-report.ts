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
  Signature: 'ERR_AUDIT_CHECKPOINT_SIGNATURE',
  /** The stored heads differ from the signed ones. */
  Altered: 'ERR_AUDIT_CHECKPOINT_ALTERED',
  /** The chain no longer has the signed hash at the signed position. */
  Mismatch: 'ERR_AUDIT_CHECKPOINT_MISMATCH',
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
  /** Links recomputed, over all chains, up to each chain's first break. */
  links_checked: number;
  chains: { topic: string; partition: number; length: number; head: string }[];
  breaks: ChainBreak[];
  /** Events stored after the chain began that no link covers: inserted around the audit service. */
  unchained: { count: number; first_seq: string | null };
  /** Events stored before the chain existed (by the migration that introduced it). */
  legacy_events: number;
  checkpoints: {
    count: number;
    /** False when no public keys were given (for example the CLI against the database without --jwks). */
    signatures_checked: boolean;
    latest: { seq: string; created_at: string; kid: string } | null;
    problems: { seq: string; code: CheckpointProblem; description: string }[];
  };
}
