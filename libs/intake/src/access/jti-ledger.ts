import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { columns, GroupCommit, prepared, queryPrepared } from '@admit/store';
import { DataSource } from 'typeorm';

interface Claim {
  clientId: string;
  jtiSha256: string;
  expiresAt: string;
  nowMs: number;
}

/** What recording a jti came to. */
export type JtiClaim = 'accepted' | 'replayed' | 'over_quota';

/** Default of `ADMIT_CLIENT_ASSERTION_JTI_QUOTA`: unexpired jtis one client may hold. */
export const DEFAULT_JTI_QUOTA = 10_000;
/** At most this many claims go into one statement. */
const MAX_GROUP = 200;
/** Expired rows are deleted at most this often, by whichever claim comes first after it. */
const PRUNE_EVERY_MS = 60_000;

/** A group of claims ($1-$3, one array per column, in order), unexpired after $4, under a quota of $5 per client. */
const CLAIM = prepared(
  'admit_jti_claim',
  `WITH batch AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS b(client_id, jti_sha256, expires_at, ord)),
   ranked AS (SELECT *, row_number() OVER (PARTITION BY client_id ORDER BY ord) AS nth FROM batch)
   INSERT INTO client_assertion_jtis (client_id, jti_sha256, expires_at)
   SELECT client_id, jti_sha256, expires_at FROM ranked r
   WHERE (SELECT count(*) FROM (SELECT 1 FROM client_assertion_jtis j WHERE j.client_id = r.client_id AND j.expires_at > $4::timestamptz LIMIT $5::int) AS held) + r.nth <= $5::int
   ON CONFLICT (client_id, jti_sha256) DO NOTHING
   RETURNING client_id, jti_sha256`,
);

/**
 * The jtis of accepted client assertions, in the database every intake shares (PostgreSQL, or PGlite
 * in embedded mode), each kept until its assertion expires: a restart or another intake never
 * accepts the same assertion twice. Each client holds at most `quota` unexpired jtis, so one client,
 * however many assertions it signs, cannot crowd out another; there is no cap shared by all.
 */
export class JtiLedger {
  private readonly logger = new Logger('JtiLedger');
  private lastPruneMs = 0;
  private readonly claims: GroupCommit<Claim, boolean>;

  constructor(
    private readonly db: DataSource,
    readonly quota = DEFAULT_JTI_QUOTA,
  ) {
    this.claims = new GroupCommit((group) => this.insert(group), MAX_GROUP);
  }

  /**
   * Records (client, jti) until `expiresAtMs`. Claims made while one is being written go together in
   * the next statement (group commit); only a refused claim costs a second statement, to tell a
   * replay from a full quota.
   */
  async claim(clientId: string, jti: string, expiresAtMs: number, nowMs: number): Promise<JtiClaim> {
    this.pruneWhenDue(nowMs);
    if (await this.claims.submit({ clientId, jtiSha256: digest(jti), expiresAt: new Date(expiresAtMs).toISOString(), nowMs })) return 'accepted';
    return (await this.used(clientId, jti)) ? 'replayed' : 'over_quota';
  }

  /**
   * One statement for a group: each row goes into the (client_id, jti) key, which refuses a jti
   * already there, guarded by a count of its client's unexpired jtis that reads the same index and
   * stops at the quota. The n-th row of one client in the group counts its n - 1 before it as held,
   * so a group never takes a client past its quota. Of two rows with one key, one is inserted: the
   * first caller whose key comes back is the one accepted.
   */
  private async insert(group: Claim[]): Promise<boolean[]> {
    const inserted = await queryPrepared<{ client_id: string; jti_sha256: string }>(this.db, CLAIM, [
      ...columns(group.map((c) => [c.clientId, c.jtiSha256, c.expiresAt]), 3),
      new Date(Math.min(...group.map((c) => c.nowMs))).toISOString(),
      this.quota,
    ]);
    const keys = new Set(inserted.map((row) => `${row.jti_sha256} ${row.client_id}`));
    return group.map(({ clientId, jtiSha256 }) => keys.delete(`${jtiSha256} ${clientId}`));
  }

  /**
   * Whether the jti was accepted for the client and not yet pruned. An expired row is as good as a
   * live one here: its assertion is expired too, so it is refused either way.
   */
  async used(clientId: string, jti: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM client_assertion_jtis WHERE client_id = $1 AND jti_sha256 = $2`, [clientId, digest(jti)])) as unknown[];
    return rows.length > 0;
  }

  /** Deletes the rows of expired assertions; a claim starts it, without waiting for it. */
  async prune(nowMs: number): Promise<void> {
    await this.db.query(`DELETE FROM client_assertion_jtis WHERE expires_at <= $1`, [new Date(nowMs).toISOString()]);
  }

  private pruneWhenDue(nowMs: number): void {
    if (nowMs - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = nowMs;
    // A failed prune leaves rows that only take room; the next one, a minute on, deletes them.
    this.prune(nowMs).catch((err: unknown) => this.logger.warn(`could not prune expired jtis: ${String(err)}`));
  }
}

/** The jti as kept: any text the client signed, as 43 characters the database can index and hold. */
function digest(jti: string): string {
  return createHash('sha256').update(jti, 'utf8').digest('base64url');
}
