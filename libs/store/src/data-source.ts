import { DataSource, DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { AuditEventEntity } from './audit-event.entity';
import { grantAppRole } from './database-roles';
import { AuditEvents1764316800000 } from './migrations/1764316800000-audit-events';
import { AuditAppendOnly1764320400000 } from './migrations/1764320400000-audit-append-only';
import { Revocations1764406800000 } from './migrations/1764406800000-revocations';
import { AuditChain1764410400000 } from './migrations/1764410400000-audit-chain';
import { AuditQueryColumns1764414000000 } from './migrations/1764414000000-audit-query-columns';
import { ClientAssertionJtis1764417600000 } from './migrations/1764417600000-client-assertion-jtis';
import { AuditorViews1764421200000 } from './migrations/1764421200000-auditor-views';
import { AuditQueryIndexes1764424800000 } from './migrations/1764424800000-audit-query-indexes';
import { LiveAdmissions1764428400000 } from './migrations/1764428400000-live-admissions';
import { AuditReportDays1764510000000 } from './migrations/1764510000000-audit-report-days';
import { RevocationKindIntermediate1764520000000 } from './migrations/1764520000000-revocation-kind-intermediate';
import { RevocationKindsSpiffe1764530000000 } from './migrations/1764530000000-revocation-kinds-spiffe';
import { RevocationKindAttester1764540000000 } from './migrations/1764540000000-revocation-kind-attester';
import { AuditPartitions1764550000000 } from './migrations/1764550000000-audit-partitions';
import { RevocationEntity, RevocationOutboxEntity } from './revocation.entity';

const ENTITIES = [AuditEventEntity, RevocationEntity, RevocationOutboxEntity];
/** Every migration, oldest first. */
export const MIGRATIONS = [
  AuditEvents1764316800000,
  AuditAppendOnly1764320400000,
  Revocations1764406800000,
  AuditChain1764410400000,
  AuditQueryColumns1764414000000,
  ClientAssertionJtis1764417600000,
  AuditorViews1764421200000,
  AuditQueryIndexes1764424800000,
  LiveAdmissions1764428400000,
  AuditReportDays1764510000000,
  RevocationKindIntermediate1764520000000,
  RevocationKindsSpiffe1764530000000,
  RevocationKindAttester1764540000000,
  AuditPartitions1764550000000,
];

/** PostgreSQL by URL (distributed), or PGlite in a folder (embedded): same SQL, same migrations. */
export type StoreLocation = { url: string } | { dataDir: string };

export function createDataSource(location: StoreLocation): DataSource {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'admit_migrations',
    synchronize: false,
    logging: ['error' as const],
  };
  const options: DataSourceOptions =
    'url' in location
      ? { ...common, url: location.url, extra: { max: 10, connectionTimeoutMillis: 5000 } }
      : { ...common, driver: new PGliteDriver({ dataDir: location.dataDir }).driver };
  return new DataSource(options);
}

/** Any number of instances may start at once; an advisory lock lets exactly one migrate. */
const MIGRATION_LOCK = 4_251_742;

/**
 * Runs the pending migrations, then (with `appRole`) grants that role the app's privileges. Run it
 * connected as the owner role. An app connected as the app role finds nothing pending and only
 * checks; if something is pending, it stops with a message saying who must migrate.
 */
export async function migrate(ds: DataSource, options: { appRole?: string } = {}): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'each' }).catch((err: unknown) => {
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
}
