export interface RevocationOptions {
  /** How often revocations past `expires_at` lapse and pending publishes are retried. Default 1000 ms. */
  sweepIntervalMs?: number;
  /** How long a request waits for its change to reach the topic before answering 503. Default 5000 ms. */
  publishWaitMs?: number;
}

/** The revocation service has no variables of its own yet: an empty fragment, and the default options. */
export const revocationConfig = {};
export const revocationOptions = (_config: object): RevocationOptions => ({});

export const REVOCATION_OPTIONS = Symbol('REVOCATION_OPTIONS');

export function withDefaults(options: RevocationOptions): Required<RevocationOptions> {
  return { sweepIntervalMs: options.sweepIntervalMs ?? 1_000, publishWaitMs: options.publishWaitMs ?? 5_000 };
}
