import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { RevocationStore } from '../store/revocation-store';
import { REVOCATION_OPTIONS, RevocationOptions } from '../revocation-options';
import { OutboxPublisher } from './outbox-publisher';

/**
 * At start: queue the state of every key the database knows and publish it, so an empty or
 * recreated topic (embedded mode's in-process one, at every start) is rebuilt from the database.
 * Then, every tick: let revocations past `expires_at` lapse and publish whatever is still pending
 * (a crash or a bus outage between commit and publish).
 */
@Injectable()
export class RevocationLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Revocations');
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private ticks = 0;

  constructor(
    private readonly store: RevocationStore,
    private readonly outbox: OutboxPublisher,
    @Inject(REVOCATION_OPTIONS) private readonly options: Required<RevocationOptions>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.store.queueEverything();
    await this.store.expire(new Date());
    // Awaited, so the process serves only once the topic holds what the database does; if the bus
    // is down, drain() logs it and the ticks keep trying.
    await this.outbox.drain();
    const pending = await this.outbox.pendingCount();
    if (pending > 0) this.logger.warn(`${pending} revocation change(s) not yet published; retrying every ${this.options.sweepIntervalMs} ms`);
    this.timer = setInterval(() => this.tick(), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.outbox.drain();
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = (async () => {
      try {
        const lapsed = await this.store.expire(new Date());
        if (lapsed > 0) this.logger.log(`${lapsed} revocation(s) lapsed at their expires_at`);
        await this.outbox.drain();
        // Roughly hourly at the default interval: published outbox rows are not worth keeping.
        if (++this.ticks % 3600 === 0) await this.outbox.prune();
      } catch (err) {
        this.logger.warn(`revocation sweep failed, will retry: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.ticking = undefined;
      }
    })();
  }
}
