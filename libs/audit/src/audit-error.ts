import { CodedError } from '@admit/contracts';

/** Stable codes of what the audit service refuses or finds; the same over HTTP, in the CLI and in reports. */
export const AuditErrorCode = {
  QueryInvalid: 'ERR_AUDIT_QUERY_INVALID',
  CursorInvalid: 'ERR_AUDIT_CURSOR_INVALID',
  /** An external copy of the checkpoints could not be read; the message names the file or topic. */
  CheckpointsUnreadable: 'ERR_AUDIT_CHECKPOINTS_UNREADABLE',
  /** The checkpoint key is also an admission-token signing key. */
  CheckpointKeyShared: 'ERR_AUDIT_CHECKPOINT_KEY_SHARED',
  /** An archive folder exists already (and --force was not given). */
  ArchiveExists: 'ERR_AUDIT_ARCHIVE_EXISTS',
  /** A day's partition does not hold exactly what its archive holds, so it is not dropped. */
  PartitionMismatch: 'ERR_AUDIT_ARCHIVE_PARTITION_MISMATCH',
} as const;
export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

export class AuditError extends CodedError<AuditErrorCode> {}

/** A refused query or cursor: the caller's mistake, answered 400. */
export function isQueryError(err: unknown): err is AuditError {
  return err instanceof AuditError && (err.code === AuditErrorCode.QueryInvalid || err.code === AuditErrorCode.CursorInvalid);
}
