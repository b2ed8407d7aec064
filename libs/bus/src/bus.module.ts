import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BusServer } from './bus-server';
import { TopicFollower } from './follow/topic-follower';
import { BUS_CLIENT } from './publisher';
import { BusTransport } from './transport';

/** Makes one transport's client (for publishing), server (for readiness) and follower available app-wide. */
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(TopicFollower) private readonly follower: TopicFollower) {}

  static forRoot(transport: BusTransport): DynamicModule {
    return {
      module: BusModule,
      global: true,
      providers: [
        { provide: BUS_CLIENT, useValue: transport.client },
        { provide: BusServer, useValue: transport.server },
        { provide: TopicFollower, useValue: transport.follower },
      ],
      exports: [BUS_CLIENT, BusServer, TopicFollower],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower.close();
  }
}
