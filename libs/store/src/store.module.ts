import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, StoreLocation } from './data-source';
import { checkPrivateDataDir, dataDirWarning, tightenPrivateDataDir } from './private-data-dir';

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
            if ('dataDir' in location) {
              const warning = dataDirWarning('ADMIT_DATA_DIR', location.dataDir, await checkPrivateDataDir(location.dataDir));
              if (warning) new Logger('Store').warn(warning);
            }
            const ds = await createDataSource(location).initialize();
            await migrate(ds);
            if ('dataDir' in location) await tightenPrivateDataDir(location.dataDir);
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
