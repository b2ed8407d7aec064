/** A policy set Admit refuses to run: a Cedar parse or validation error (Cedar's own message), or a bad annotation. */
export class PolicyLoadError extends Error {
  readonly code = 'ERR_POLICY_INVALID';
  override readonly name = 'PolicyLoadError';
}

/** Asked for the active policy set before one was read from `admit.policies.v1`. */
export class PolicyNotReadyError extends Error {
  readonly code = 'ERR_POLICY_NOT_READY';
  override readonly name = 'PolicyNotReadyError';
}
