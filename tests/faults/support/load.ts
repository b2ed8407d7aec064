import { metadataClientId } from '@admit/metadata';
import { randomUUID } from 'node:crypto';

/** What one registration request got back. */
export interface Sent {
  clientId: string;
  status: number;
  error?: string;
  description?: string;
}

/**
 * Steady registration load: `workers` callers, each sending its next request as soon as the last
 * was answered (no timers), every request with metadata of its own, so its client id names it in
 * the audit store. A refused connection counts as status 0.
 */
export class Load {
  readonly sent: Sent[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly intakeUrl: () => string,
    private readonly label: string,
    private readonly workers = 3,
  ) {}

  start(): this {
    this.running = true;
    this.loops = Array.from({ length: this.workers }, () => this.loop());
    return this;
  }

  /** Stops sending and resolves once every request in flight was answered. */
  async stop(): Promise<Sent[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.sent;
  }

  /** Answers with `status` received since `index` (a position in `sent`). */
  countSince(index: number, status: number): number {
    return this.sent.slice(index).filter((s) => s.status === status).length;
  }

  private async loop(): Promise<void> {
    while (this.running) this.sent.push(await register(this.intakeUrl(), `${this.label} ${randomUUID()}`));
  }
}

export async function register(intakeUrl: string, clientName: string): Promise<Sent> {
  const metadata = { redirect_uris: ['https://faults.example/cb'], client_name: clientName };
  const clientId = metadataClientId(metadata);
  try {
    const res = await fetch(`${intakeUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) });
    const body = (await res.json()) as { error?: string; error_description?: string };
    return { clientId, status: res.status, error: body.error, description: body.error_description };
  } catch (err) {
    return { clientId, status: 0, description: String(err) };
  }
}
