import { Logger } from '@nestjs/common';
import { EventData, Topic } from '@admit/contracts';

type Checked = EventData<typeof Topic.AccessChecked>;

export interface UnknownClientChecksOptions {
  /** How long one event gathers the checks of one unknown client. Default 60 s. */
  windowMs?: number;
  /** How many unknown client ids have a window open at once; checks past it share one window. Default 10,000. */
  maxClients?: number;
  now?: () => number;
  /** Runs `close` after `ms`; tests pass their own. Never holds a stopping process open. */
  schedule?: (close: () => void, ms: number) => void;
}

/** The client id of the one window that gathers checks of unknown clients past `maxClients`. */
export const OTHER_UNKNOWN_CLIENTS = '*';

interface Window {
  event: Checked;
  count: number;
}

/**
 * Access checks of clients Admit holds no admission for need no credential, so anyone can send
 * them at any rate. Each is still recorded, but not as an event of its own: the checks of one
 * unknown client within a window become one `admit.access.checked.v1` with their `count`, from
 * `first_checked_at` to `checked_at`, published when the window ends (or at shutdown). The audit
 * store then grows by at most one event per unknown client id and window, plus one for the ids past
 * `maxClients`, and an auditor still sees every check counted. Every caller in a window is told the
 * window's `check_id`.
 */
export class UnknownClientChecks {
  private readonly logger = new Logger('intake');
  private readonly open = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly schedule: (close: () => void, ms: number) => void;

  constructor(
    private readonly publish: (event: Checked) => Promise<unknown>,
    options: UnknownClientChecksOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((close, ms) => setTimeout(close, ms).unref());
  }

  /** Counts one check in its client's window, opening one if needed; returns the window's check id. */
  record(checked: Checked): string {
    const at = new Date(this.now()).toISOString();
    const key = this.open.has(checked.client_id) || this.open.size < this.maxClients ? checked.client_id : OTHER_UNKNOWN_CLIENTS;
    const window = this.open.get(key);
    if (window) {
      window.count += 1;
      window.event.checked_at = at;
      return window.event.check_id;
    }
    const event: Checked = { ...checked, client_id: key, first_checked_at: at, checked_at: at };
    if (key === OTHER_UNKNOWN_CLIENTS) delete event.resource;
    this.open.set(key, { event, count: 1 });
    this.schedule(() => void this.close(key), this.windowMs);
    return event.check_id;
  }

  /** Publishes every open window: at shutdown, so no count is lost while the bus is still up. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((key) => this.close(key)));
  }

  private async close(key: string): Promise<void> {
    const window = this.open.get(key);
    if (!window) return;
    this.open.delete(key);
    const event = { ...window.event, count: window.count };
    try {
      await this.publish(event);
    } catch (err) {
      // The checks happened; their record waits for the bus rather than being dropped.
      this.logger.warn(`access checks of unknown client ${JSON.stringify(key.slice(0, 256))} not published yet, trying again: ${err instanceof Error ? err.message : String(err)}`);
      this.schedule(() => void this.retry(event), this.windowMs);
    }
  }

  private async retry(event: Checked): Promise<void> {
    try {
      await this.publish(event);
    } catch {
      this.schedule(() => void this.retry(event), this.windowMs);
    }
  }
}
