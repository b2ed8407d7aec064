import { Problem, RegistrationError } from '@admit/contracts';

/**
 * Stable codes for every way a software statement fails. They cross Kafka inside `Problem`s, where
 * `instanceof` is lost, so callers branch on these strings.
 */
export const StatementErrorCode = {
  TooLarge: 'ERR_STATEMENT_TOO_LARGE',
  Malformed: 'ERR_STATEMENT_MALFORMED',
  Unsigned: 'ERR_STATEMENT_UNSIGNED',
  SymmetricAlg: 'ERR_STATEMENT_ALG_SYMMETRIC',
  AlgNotAllowed: 'ERR_STATEMENT_ALG_NOT_ALLOWED',
  CritHeader: 'ERR_STATEMENT_CRIT_HEADER',
  KeyHeader: 'ERR_STATEMENT_KEY_HEADER',
  KidMissing: 'ERR_STATEMENT_KID_MISSING',
  IssuerMissing: 'ERR_STATEMENT_ISSUER_MISSING',
  IssuerUntrusted: 'ERR_STATEMENT_ISSUER_UNTRUSTED',
  KidUnknown: 'ERR_STATEMENT_KID_UNKNOWN',
  KidAmbiguous: 'ERR_STATEMENT_KID_AMBIGUOUS',
  KeysUnavailable: 'ERR_STATEMENT_KEYS_UNAVAILABLE',
  SignatureInvalid: 'ERR_STATEMENT_SIGNATURE_INVALID',
  Expired: 'ERR_STATEMENT_EXPIRED',
  NotYetValid: 'ERR_STATEMENT_NOT_YET_VALID',
  IssuedInFuture: 'ERR_STATEMENT_ISSUED_IN_FUTURE',
  TooOld: 'ERR_STATEMENT_TOO_OLD',
  ClaimMissing: 'ERR_STATEMENT_CLAIM_MISSING',
  ClaimInvalid: 'ERR_STATEMENT_CLAIM_INVALID',
  VerificationFailed: 'ERR_STATEMENT_VERIFICATION_FAILED',
} as const;
export type StatementErrorCode = (typeof StatementErrorCode)[keyof typeof StatementErrorCode];

/** A statement problem. Only an untrusted issuer is "unapproved"; everything else is "invalid". */
export function statementProblem(code: StatementErrorCode, description: string): Problem {
  const error =
    code === StatementErrorCode.IssuerUntrusted
      ? RegistrationError.UnapprovedSoftwareStatement
      : RegistrationError.InvalidSoftwareStatement;
  return { code, description, error };
}
