import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUDIT_PARTITION_DAYS_AHEAD } from '../migrations';
import { DataSource } from 'typeorm';
import { Recurring } from '../recurring';
import { SqlQuery, sqlOf } from '../sql-query';

/** How often the keeper makes sure the coming days have their partitions. */
const EVERY_MS = 3600 * 1000;

/**
 * Keeps audit_events partitioned ahead of time: at start-up (before the consumers start) and every
 * hour, makes sure today and the next AUDIT_PARTITION_DAYS_AHEAD UTC days have their partition, through
 * `audit_partition_ensure`, which runs with the table owner's rights. If it cannot, nothing is lost:
 * an event of a day without a partition is stored in the default partition `audit_events_late`.
 */
@Injectable()
export class PartitionKeeper extends Recurring {
  private readonly sql: SqlQuery;

  constructor(@Inject(DataSource) db: DataSource) {
    super(new Logger('AuditPartitions'), { everyMs: EVERY_MS, what: "create the coming days' audit partitions", awaitFirst: true });
    this.sql = sqlOf(db);
  }

  protected async run(): Promise<void> {
    const created = await ensurePartitions(this.sql, new Date());
    if (created.length > 0) this.logger.log(`created the audit partitions of ${created.join(', ')}`);
  }
}

/** Makes sure the UTC day of `now` and the AUDIT_PARTITION_DAYS_AHEAD after it have a partition, in one statement; returns the days created. */
export async function ensurePartitions(query: SqlQuery, now: Date): Promise<string[]> {
  const rows = await query<{ day: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM (SELECT $1::date + i AS d FROM generate_series(0, $2::int) i) days
     WHERE audit_partition_ensure(d) ORDER BY d`,
    [now.toISOString().slice(0, 10), AUDIT_PARTITION_DAYS_AHEAD],
  );
  return rows.map((r) => r.day);
}
