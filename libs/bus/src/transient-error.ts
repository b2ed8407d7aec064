import { CodedError } from '@admit/contracts';

/**
 * Thrown by a handler whose dependency is down (the database, say), not by one that cannot handle
 * the event. The bus then retries the event until the dependency is back instead of dead-lettering
 * it: the partition waits, and nothing is lost or skipped.
 */
export class TransientError extends CodedError.with('ERR_TRANSIENT') {}
