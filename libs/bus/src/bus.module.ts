import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BUS_METRICS, BusMetrics, noBusMetrics } from './bus-metrics';
import { BusServer } from './bus-server';
import { TopicFollower } from './follow/topic-follower';
import { Inbox } from './inbox/inbox';
import { BUS_CLIENT } from './publisher';
import { StoredEvents } from './stored/stored-events';
import { BusTransport } from './transport';

/** Makes one transport's client (for publishing), server (for readiness), follower, inbox and stored-event signal available app-wide. */
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(
    @Inject(TopicFollower) private readonly follower: TopicFollower,
    @Inject(Inbox) private readonly inbox: Inbox,
  ) {}

  static forRoot(transport: BusTransport, metrics: BusMetrics = noBusMetrics): DynamicModule {
    transport.server.useMetrics(metrics);
    return {
      module: BusModule,
      global: true,
      providers: [
        { provide: BUS_CLIENT, useValue: transport.client },
        { provide: BusServer, useValue: transport.server },
        { provide: BUS_METRICS, useValue: metrics },
        { provide: TopicFollower, useValue: transport.follower },
        { provide: Inbox, useValue: transport.inbox },
        { provide: StoredEvents, useValue: transport.stored },
      ],
      exports: [BUS_CLIENT, BUS_METRICS, BusServer, TopicFollower, Inbox, StoredEvents],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.follower.close(), this.inbox.close()]);
  }
}
