import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, StoreLocation } from './data-source';

/** Provides the migrated DataSource app-wide; start-up waits for the migrations. */
@Module({})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  static forRoot(location: StoreLocation): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = await createDataSource(location).initialize();
            await migrate(ds);
            return ds;
          },
        },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
