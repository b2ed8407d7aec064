import { CodedError } from '@admit/contracts';

/** A policy set Admit refuses to run: a Cedar parse or validation error (Cedar's own message), or a bad annotation. */
export class PolicyLoadError extends CodedError.with('ERR_POLICY_INVALID') {}

/** Asked for the active policy set before one was read from `admit.policies.v1`. */
export class PolicyNotReadyError extends CodedError.with('ERR_POLICY_NOT_READY') {}
