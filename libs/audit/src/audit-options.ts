export interface AuditOptions {
  /** How often the chain heads are checkpointed and signed; 0 turns periodic checkpoints off. */
  checkpointIntervalMs: number;
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export const DEFAULT_AUDIT_OPTIONS: AuditOptions = { checkpointIntervalMs: 60_000 };
