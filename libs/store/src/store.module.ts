import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, Migrations, StoreLocation } from './data-source';
import { checkPrivateDataDir, dataDirWarning, tightenPrivateDataDir } from './private-data-dir';

/**
 * Provides the DataSource app-wide. It migrates nothing itself: each service module that owns tables
 * migrates them (`ownMigrations`), so a distributed service migrates only its own and embedded mode,
 * which imports every service, all of them.
 */
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

/**
 * The provider with which a service module migrates the tables it owns at start-up. Every provider is
 * made before any module's init hook runs, and only those hooks (and requests, later) query: so no
 * service reads its tables before they are migrated.
 */
export function ownMigrations(owner: string, migrations: Migrations): Provider {
  return { provide: `admit.migrations.${owner}`, useFactory: (ds: DataSource) => migrate(ds, migrations).then(() => owner), inject: [DataSource] };
}
