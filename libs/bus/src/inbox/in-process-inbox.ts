import { CloudEvent } from '@admit/contracts';
import { randomUUID } from 'node:crypto';
import { Inbox } from './inbox';

/** In one process there is one instance of each service, so the only inbox is this one. */
export class InProcessInbox extends Inbox {
  readonly id = randomUUID();
  private receive?: (event: CloudEvent) => void;

  async open(receive: (event: CloudEvent) => void): Promise<void> {
    this.receive = receive;
  }

  async send(to: string, event: CloudEvent): Promise<void> {
    if (to !== this.id) throw new Error(`no inbox ${to} in this process`);
    this.receive?.(event);
  }

  async close(): Promise<void> {
    this.receive = undefined;
  }
}
