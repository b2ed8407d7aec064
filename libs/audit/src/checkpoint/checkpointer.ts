import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SigningKeys } from '@admit/keys';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, AuditOptions, DEFAULT_AUDIT_OPTIONS } from '../audit-options';
import { ChainHead, CHECKPOINT_ISSUER, CHECKPOINT_TYP, CheckpointClaims, readHeads, sameHeads } from './chain-heads';

export interface StoredCheckpoint {
  seq: string;
  created_at: Date;
  kid: string;
  heads: ChainHead[];
  jws: string;
}

/**
 * Every interval, signs the current chain heads with Admit's key and stores the JWS. A checkpoint
 * pins the chains: whoever rewrites stored events and recomputes every later link still cannot
 * produce the signed hash at the checkpointed position. Nothing new since the last checkpoint, no
 * new checkpoint.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  private readonly options: AuditOptions;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Optional() @Inject(SigningKeys) private readonly keys?: SigningKeys,
    @Optional() @Inject(AUDIT_OPTIONS) options?: AuditOptions,
  ) {
    this.options = options ?? DEFAULT_AUDIT_OPTIONS;
  }

  onApplicationBootstrap(): void {
    if (!this.keys) {
      this.logger.warn('no signing key (ADMIT_SIGNING_KEY_FILE): chain heads are not checkpointed');
      return;
    }
    if (this.options.checkpointIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.checkpointIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Signs and stores the current heads; undefined when nothing changed since the last checkpoint or there is no key. */
  async checkpoint(now = new Date()): Promise<StoredCheckpoint | undefined> {
    if (!this.keys) return undefined;
    const query = <T>(sql: string, params?: unknown[]) => this.db.query(sql, params) as Promise<T[]>;
    const heads = await readHeads(query);
    if (heads.length === 0) return undefined;
    const [last] = await query<{ heads: ChainHead[] }>(`SELECT heads FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`);
    if (last && sameHeads(last.heads, heads)) return undefined;
    const claims: CheckpointClaims = { iss: CHECKPOINT_ISSUER, iat: Math.floor(now.getTime() / 1000), heads };
    const jws = await this.keys.sign({ ...claims }, CHECKPOINT_TYP);
    const [row] = await query<{ seq: string; created_at: Date }>(
      `INSERT INTO audit_checkpoints (kid, heads, jws) VALUES ($1, $2::jsonb, $3) RETURNING seq::text AS seq, created_at`,
      [this.keys.kid, JSON.stringify(heads), jws],
    );
    return { seq: row.seq, created_at: row.created_at, kid: this.keys.kid, heads, jws };
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.checkpoint()
      .catch((err: unknown) => this.logger.warn(`checkpoint failed, will try again: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
