import { DataSource, DataSourceOptions, Migration, MigrationExecutor, MigrationInterface } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { grantAppRole } from './database-roles';

/**
 * Migration classes, each named `<Name><timestamp>`: the name and timestamp recorded in
 * `admit_migrations` once it ran. Each service owns its tables and their migrations (audit, revocation,
 * intake); a database that ran them all, in whatever order, finds nothing pending in any subset.
 */
export type Migrations = readonly (new () => MigrationInterface)[];

/** PostgreSQL by URL (distributed), or PGlite in a folder (embedded): same SQL, same migrations. */
export type StoreLocation = { url: string } | { dataDir: string };

/**
 * Settings of every session Admit opens on PostgreSQL. JIT compilation off: Admit's statements read
 * by index, and a plan over the daily partitions of `audit_events` has a part per partition, each
 * compiled apart; at a million events the auditor's pages spent 15 to 25 s compiling plans that run
 * in 0.1 s (docs/performance.md, auditor queries at scale).
 */
export const POSTGRES_SESSION_OPTIONS = '-c jit=off';

export function createDataSource(location: StoreLocation): DataSource {
  const common = {
    type: 'postgres' as const,
    migrationsTableName: 'admit_migrations',
    synchronize: false,
    logging: ['error' as const],
  };
  const options: DataSourceOptions =
    'url' in location
      ? { ...common, url: location.url, extra: { max: 10, connectionTimeoutMillis: 5000, options: POSTGRES_SESSION_OPTIONS } }
      : { ...common, driver: new PGliteDriver({ dataDir: location.dataDir }).driver };
  return new DataSource(options);
}

/** Any number of instances may start at once; an advisory lock lets exactly one migrate. */
const MIGRATION_LOCK = 4_251_742;

/** `migrations`, oldest first, instead of the data source's own (it has none): the migrations of one owner, or of all. */
class MigrationsOf extends MigrationExecutor {
  constructor(
    ds: DataSource,
    private readonly migrations: Migrations,
  ) {
    super(ds);
    this.transaction = 'each';
  }

  protected override getMigrations(): Migration[] {
    return this.migrations
      .map((M) => new M())
      .map((m) => new Migration(undefined, Number(m.name!.slice(-13)), m.name!, m))
      .sort((a, b) => a.timestamp - b.timestamp);
  }
}

/** The migration still running on each data source: PGlite has one session, where the advisory lock does not exclude. */
const running = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs the pending ones of `migrations`, then (with `appRole`) grants that role the app's privileges
 * (which needs every owner's tables: give all the migrations). Run it connected as the owner role. An
 * app connected as the app role finds nothing pending and only checks; if something is pending, it
 * stops with a message saying who must migrate.
 */
export function migrate(ds: DataSource, migrations: Migrations, options: { appRole?: string } = {}): Promise<void> {
  const done = (running.get(ds) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await new MigrationsOf(ds, migrations).executePendingMigrations().catch((err: unknown) => {
        if ((err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code === '42501' || (err as { code?: unknown }).code === '42501') {
          throw new Error(`the database role cannot run the pending migrations (${(err as Error).message}); run \`admit db migrate\` as the owner role first`, { cause: err });
        }
        throw err;
      });
      if (options.appRole) await grantAppRole((sql, params) => runner.query(sql, params), options.appRole);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  });
  running.set(ds, done);
  return done;
}
