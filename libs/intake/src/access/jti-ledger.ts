import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What recording a jti came to. */
export type JtiClaim = 'accepted' | 'replayed' | 'over_quota';

/** Default of `ADMIT_CLIENT_ASSERTION_JTI_QUOTA`: unexpired jtis one client may hold. */
export const DEFAULT_JTI_QUOTA = 10_000;
/** Expired rows are deleted at most this often, by whichever claim comes first after it. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The jtis of accepted client assertions, in the database every intake shares (PostgreSQL, or PGlite
 * in embedded mode), each kept until its assertion expires: a restart or another intake never
 * accepts the same assertion twice. Each client holds at most `quota` unexpired jtis, so one client,
 * however many assertions it signs, cannot crowd out another; there is no cap shared by all.
 */
export class JtiLedger {
  private readonly logger = new Logger('JtiLedger');
  private lastPruneMs = 0;

  constructor(
    private readonly db: DataSource,
    readonly quota = DEFAULT_JTI_QUOTA,
  ) {}

  /**
   * Records (client, jti) until `expiresAtMs`. One statement on the fast path: the insert into the
   * (client_id, jti) key, which refuses a jti already there, guarded by a count of the client's
   * unexpired jtis that reads the same index and stops at the quota. Only a refused insert costs a
   * second statement, to tell a replay from a full quota.
   */
  async claim(clientId: string, jti: string, expiresAtMs: number, nowMs: number): Promise<JtiClaim> {
    this.pruneWhenDue(nowMs);
    const now = new Date(nowMs).toISOString();
    const inserted = (await this.db.query(
      `INSERT INTO client_assertion_jtis (client_id, jti_sha256, expires_at)
       SELECT $1, $2, $3
       WHERE (SELECT count(*) FROM (SELECT 1 FROM client_assertion_jtis WHERE client_id = $1 AND expires_at > $4 LIMIT $5) AS held) < $5
       ON CONFLICT (client_id, jti_sha256) DO NOTHING
       RETURNING 1 AS ok`,
      [clientId, digest(jti), new Date(expiresAtMs).toISOString(), now, this.quota],
    )) as unknown[];
    if (inserted.length === 1) return 'accepted';
    return (await this.used(clientId, jti)) ? 'replayed' : 'over_quota';
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
