import type { Problem } from '@admit/contracts';
import { AnchorKeysError } from './anchor-keys-error';
import { StatementErrorCode as Code, statementProblem } from './statement-problems';
import type { TrustAnchor } from './trust-anchor';

interface JoseLikeError {
  code?: unknown;
  claim?: unknown;
  reason?: unknown;
}

/**
 * Maps a jose failure (by its stable `code`, `claim` and `reason`) to a statement problem. The
 * descriptions are written here, never copied from the error, so no token or key text can leak.
 */
export function joseErrorProblem(error: unknown, anchor: TrustAnchor): Problem {
  const anchorName = JSON.stringify(anchor.id);
  if (error instanceof AnchorKeysError) return statementProblem(Code.KeysUnavailable, error.message);
  const { code, claim, reason } = (typeof error === 'object' && error !== null ? error : {}) as JoseLikeError;
  const claimName = typeof claim === 'string' ? claim.slice(0, 128) : 'unknown';
  switch (code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return statementProblem(Code.AlgNotAllowed, `alg is not on anchor ${anchorName}'s allowlist (${anchor.algorithms.join(', ')})`);
    case 'ERR_JOSE_NOT_SUPPORTED':
      return statementProblem(Code.AlgNotAllowed, 'the statement uses an algorithm or header Admit does not support');
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return statementProblem(Code.KidUnknown, `no key of anchor ${anchorName} matches the statement's kid and alg, even after a refresh`);
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return statementProblem(Code.KidAmbiguous, `more than one key of anchor ${anchorName} matches the statement's kid`);
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWK_INVALID':
      return statementProblem(Code.KeysUnavailable, `the key of anchor ${anchorName} that the statement names cannot be used`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return statementProblem(Code.SignatureInvalid, `the signature does not verify with anchor ${anchorName}'s key`);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return statementProblem(Code.Malformed, 'software_statement is not a well-formed signed JWT');
    case 'ERR_JWT_EXPIRED':
      return claim === 'iat'
        ? statementProblem(Code.TooOld, `statement is older than anchor ${anchorName} allows (${anchor.maxAgeS} s)`)
        : statementProblem(Code.Expired, 'statement has expired (exp)');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimProblem(claimName, reason);
    default:
      return statementProblem(Code.VerificationFailed, 'statement could not be verified');
  }
}

function claimProblem(claim: string, reason: unknown): Problem {
  if (reason === 'missing') return statementProblem(Code.ClaimMissing, `required claim ${claim} is missing`);
  if (reason === 'invalid') return statementProblem(Code.ClaimInvalid, `claim ${claim} has the wrong type`);
  if (claim === 'nbf') return statementProblem(Code.NotYetValid, 'statement is not valid yet (nbf is in the future)');
  if (claim === 'iat') return statementProblem(Code.IssuedInFuture, 'statement is issued in the future (iat)');
  return statementProblem(Code.ClaimInvalid, `claim ${claim} has an unexpected value`);
}
