import { Logger } from '@nestjs/common';
import { RegistrationDecided } from '@admit/contracts';
import { columns, GroupCommit, prepared, queryPrepared } from '@admit/store';
import { DataSource } from 'typeorm';

/** Expired rows are deleted at most this often, by whichever write comes first after it. */
const PRUNE_EVERY_MS = 60_000;

/** One row per client of the group, as one array per column. */
const UPSERT = prepared(
  'admit_live_admissions_upsert',
  `INSERT INTO live_admissions (client_id, decided, decided_at, expires_at)
   SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[], $4::timestamptz[])
   ON CONFLICT (client_id) DO UPDATE SET decided = EXCLUDED.decided, decided_at = EXCLUDED.decided_at, expires_at = EXCLUDED.expires_at
   WHERE live_admissions.decided_at <= EXCLUDED.decided_at`,
);

interface Kept {
  decided: RegistrationDecided;
  expiresAt: string;
}

/**
 * The allow decisions whose admissions still live, one per client, in the database every intake
 * shares (PostgreSQL, or PGlite in embedded mode): any intake resolves any client, and a restart
 * forgets no admission before it expires. Rows are deleted once expired, so what is kept is bounded
 * by the admissions alive now, never by the clients ever seen. A later decision replaces an earlier
 * one; a deny replaces nothing (anyone can send a request that fails for a client). Decisions kept
 * while a write is in flight go together in the next one (group commit), so under load the answers
 * of many registrations wait for one statement, not one each.
 */
export class LiveAdmissions {
  private readonly logger = new Logger('LiveAdmissions');
  private lastPruneMs = 0;
  private readonly writes = new GroupCommit<Kept>((group) => this.upsert(group));

  constructor(
    private readonly db: DataSource,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps an allow decision until its admission expires; anything else is ignored. */
  async keep(decided: RegistrationDecided): Promise<void> {
    const { admission } = decided;
    if (decided.decision !== 'allow' || !admission || !decided.metadata) return;
    const nowMs = this.now();
    if (!(Date.parse(admission.expires_at) > nowMs)) return;
    this.pruneWhenDue(nowMs);
    await this.writes.submit({ decided, expiresAt: admission.expires_at });
  }

  /** One upsert for a group; a client named twice in it keeps its latest decision (one row each). */
  private async upsert(group: Kept[]): Promise<void> {
    const latest = new Map<string, Kept>();
    for (const k of group) {
      const kept = latest.get(k.decided.client_id);
      if (!kept || kept.decided.decided_at <= k.decided.decided_at) latest.set(k.decided.client_id, k);
    }
    const rows = [...latest.values()].map(({ decided, expiresAt }) => [decided.client_id, JSON.stringify(decided), decided.decided_at, expiresAt]);
    await queryPrepared(this.db, UPSERT, columns(rows, 4));
  }

  /**
   * The decision behind the client's live admission, if it has one. One that ends within the current
   * second counts as ended: its token could not outlive the second (token times are whole seconds).
   */
  async find(clientId: string): Promise<RegistrationDecided | undefined> {
    const nextSecond = new Date((Math.floor(this.now() / 1000) + 1) * 1000).toISOString();
    const rows = (await this.db.query(`SELECT decided FROM live_admissions WHERE client_id = $1 AND expires_at >= $2`, [clientId, nextSecond])) as {
      decided: RegistrationDecided | string;
    }[];
    if (rows.length === 0) return undefined;
    const { decided } = rows[0];
    return typeof decided === 'string' ? (JSON.parse(decided) as RegistrationDecided) : decided;
  }

  /** Ends a client's admission here (a revocation covers it); a later allow brings it back. */
  async forget(clientId: string): Promise<void> {
    await this.db.query(`DELETE FROM live_admissions WHERE client_id = $1`, [clientId]);
  }

  /** Deletes the rows of expired admissions. */
  async prune(nowMs = this.now()): Promise<void> {
    await this.db.query(`DELETE FROM live_admissions WHERE expires_at <= $1`, [new Date(nowMs).toISOString()]);
  }

  private pruneWhenDue(nowMs: number): void {
    if (nowMs - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = nowMs;
    // A failed prune leaves rows that only take room (reads skip them); the next one deletes them.
    this.prune(nowMs).catch((err: unknown) => this.logger.warn(`could not prune expired admissions: ${String(err)}`));
  }
}
