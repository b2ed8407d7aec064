import { Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TopicFollower } from '@admit/bus';
import { Topic } from '@admit/contracts';
import { RevocationSet } from './revocation-set';

/** Provides this instance's RevocationSet, following `admit.revocations.v1` from start to end and then live. */
@Global()
@Module({ providers: [{ provide: RevocationSet, useValue: new RevocationSet() }], exports: [RevocationSet] })
export class RevocationSetModule implements OnModuleInit {
  private readonly logger = new Logger('RevocationSet');

  constructor(
    private readonly follower: TopicFollower,
    private readonly revocations: RevocationSet,
  ) {}

  onModuleInit(): void {
    // Not awaited: the process serves /health while it catches up, and says what it is waiting for.
    this.follower
      .follow(Topic.Revocations, (key, event) => this.revocations.apply(key, event?.data ?? null))
      .then(() => {
        this.revocations.markReady();
        this.logger.log(`revocation set ready: ${this.revocations.size} in force`);
      })
      .catch((err: unknown) => this.logger.error(`cannot follow ${Topic.Revocations}: ${String(err)}`));
  }
}
