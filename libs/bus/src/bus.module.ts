import { DynamicModule, Module } from '@nestjs/common';
import { BusServer } from './bus-server';
import { BUS_CLIENT } from './publisher';
import { BusTransport } from './transport';

/** Makes one transport's client (for publishing) and server (for readiness) available app-wide. */
@Module({})
export class BusModule {
  static forRoot(transport: BusTransport): DynamicModule {
    return {
      module: BusModule,
      global: true,
      providers: [
        { provide: BUS_CLIENT, useValue: transport.client },
        { provide: BusServer, useValue: transport.server },
      ],
      exports: [BUS_CLIENT, BusServer],
    };
  }
}
