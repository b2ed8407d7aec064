import { CodedError } from '@admit/contracts';

/** Why an anchor's keys could not be obtained; the fetch code or parse reason is in the message. */
export class AnchorKeysError extends CodedError<'ERR_ANCHOR_KEYS_UNAVAILABLE'> {
  constructor(
    readonly anchorId: string,
    message: string,
  ) {
    super('ERR_ANCHOR_KEYS_UNAVAILABLE', message);
  }
}
