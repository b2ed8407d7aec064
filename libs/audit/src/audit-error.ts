/** Stable codes of what the audit service refuses or finds; the same over HTTP, in the CLI and in reports. */
export const AuditErrorCode = {
  QueryInvalid: 'ERR_AUDIT_QUERY_INVALID',
  CursorInvalid: 'ERR_AUDIT_CURSOR_INVALID',
} as const;
export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}
