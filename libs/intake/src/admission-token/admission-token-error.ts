import { CodedError } from '@admit/contracts';

/** Why no admission token could be issued for a decision. Stable codes, matched by the pipeline and tests. */
export const AdmissionTokenErrorCode = {
  /** Tokens are only ever issued for allow decisions. */
  NotAllowed: 'ERR_ADMISSION_NOT_ALLOWED',
  /** An allow decision without its `admission` (a policy service older than contracts 1.1.0). */
  Missing: 'ERR_ADMISSION_MISSING',
  /** The admission had already ended when the decision reached intake. */
  Expired: 'ERR_ADMISSION_EXPIRED',
} as const;
export type AdmissionTokenErrorCode = (typeof AdmissionTokenErrorCode)[keyof typeof AdmissionTokenErrorCode];

export class AdmissionTokenError extends CodedError<AdmissionTokenErrorCode> {}
