import { CodedError } from '@admit/contracts';

/** A policy set Admit refuses to run: a Cedar parse or validation error (Cedar's own message), or a bad annotation. */
export class PolicyLoadError extends CodedError<'ERR_POLICY_INVALID'> {
  constructor(message: string) {
    super('ERR_POLICY_INVALID', message);
  }
}

/** Asked for the active policy set before one was read from `admit.policies.v1`. */
export class PolicyNotReadyError extends CodedError<'ERR_POLICY_NOT_READY'> {
  constructor(message: string) {
    super('ERR_POLICY_NOT_READY', message);
  }
}
