import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * Background work of the audit service: `run` at start-up, then every `everyMs`, one run at a time.
 * A run that fails is logged (`what` could not be done) and tried again at the next; shutdown waits
 * for the run under way, with `stopping` set so a long one can end early.
 */
export abstract class Recurring implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected stopping = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  /** `awaitFirst`: the application starts (its consumers too) only after the first run. */
  protected constructor(
    protected readonly logger: Logger,
    private readonly options: { everyMs: number; what: string; awaitFirst?: boolean },
  ) {}

  protected abstract run(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    const first = this.start();
    if (this.options.awaitFirst) await first;
    this.timer = setInterval(() => void this.start(), this.options.everyMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  private start(): Promise<void> {
    return (this.running ??= this.run()
      .catch((err: unknown) => this.logger.warn(`could not ${this.options.what}: ${String(err)}`))
      .finally(() => (this.running = undefined)));
  }
}
