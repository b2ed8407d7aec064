import { CloudEvent } from '@admit/contracts';

/**
 * This process's own mailbox on the bus, for events meant for this instance alone: an intake gets
 * the decisions for its own HTTP callers here when another intake consumed them. Each instance has
 * one, named by its id, so a send is one message to one reader, however many instances run.
 */
export abstract class Inbox {
  /** Who to address: the CloudEvent `replyto` of requests this instance publishes. */
  abstract readonly id: string;

  /** Starts receiving; resolves once messages sent from now on will be delivered to `receive`. */
  abstract open(receive: (event: CloudEvent) => void): Promise<void>;

  /** Sends `event` to the inbox of instance `to`. */
  abstract send(to: string, event: CloudEvent): Promise<void>;

  abstract close(): Promise<void>;
}
