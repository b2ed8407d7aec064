import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Recurring } from '../recurring';
import { SqlQuery, sqlOf } from '../sql-query';
import { rolledUpDays } from './report-days';

const DAY_MS = 24 * 3600 * 1000;
/** How far back the keeper stores days: the longest window the console offers (30 days), and a day more. */
const KEPT_DAYS = 31;
/** How often it looks for days that ended, or changed, since it last looked. */
const EVERY_MS = 3600 * 1000;

/**
 * Stores the figures of each whole day that ended (rolledUpDays) in the background, one day at a
 * time, at start-up and every hour, so the first report over a long window reads stored days instead
 * of computing each from the events while its reader waits. One day per statement group, so the
 * embedded store's single connection serves requests in between. Reports still check each stored day
 * against the events and compute any day that is missing or out of date: this only moves that work
 * off the reader's time.
 */
@Injectable()
export class ReportDaysKeeper extends Recurring {
  private readonly sql: SqlQuery;

  constructor(@Inject(DataSource) db: DataSource) {
    // Nothing is lost when a run fails: a report computes any day not stored.
    super(new Logger('ReportDays'), { everyMs: EVERY_MS, what: 'store the report figures of past days' });
    this.sql = sqlOf(db);
  }

  protected run(): Promise<void> {
    return storeRecentDays(this.sql, new Date(), () => this.stopping);
  }
}

/** Stores the KEPT_DAYS whole days before `now`, newest first, one at a time, until done or `stopping`. */
export async function storeRecentDays(query: SqlQuery, now: Date, stopping: () => boolean = () => false): Promise<void> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  for (let day = today - DAY_MS; day >= today - KEPT_DAYS * DAY_MS && !stopping(); day -= DAY_MS) {
    await rolledUpDays(query, { from: new Date(day).toISOString(), to: new Date(day + DAY_MS).toISOString() }, now);
  }
}
