import { orUndefined } from '@admit/contracts';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SigningKeys } from '@admit/keys';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, AuditOptions, DEFAULT_AUDIT_OPTIONS } from '../audit-options';
import { GENESIS_HASH } from '../chain/chain-hash';
import { ChainHead, CHECKPOINT_ISSUER, CHECKPOINT_TYP, checkpointDigest, CheckpointClaims, readHeads, sameHeads } from './chain-heads';
import { CHECKPOINT_KEYS } from './checkpoint-keys';
import { ExternalCheckpoint } from './external-checkpoints';

export interface StoredCheckpoint {
  seq: string;
  created_at: Date;
  kid: string;
  heads: ChainHead[];
  jws: string;
}

/** An idle trail is re-signed after this many intervals, so a missing checkpoint means a stopped checkpointer, not a quiet system. */
export const HEARTBEAT_INTERVALS = 10;

/**
 * Every interval, signs the current chain heads with the audit service's checkpoint key, stores the
 * JWS, then writes it to the external copy (a file or a Kafka topic) the database role cannot reach.
 * A checkpoint pins the chains: whoever rewrites stored events and recomputes every later link still
 * cannot produce the signed hash at the checkpointed position, and whoever removes the newest events
 * leaves a chain shorter than the external copy signed. Nothing new since the last checkpoint, no
 * new checkpoint, until the heartbeat.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Stored but not yet written externally (the sink was away); written first, in order, next time. */
  private readonly unsent: ExternalCheckpoint[] = [];
  /** Whether the external copy was brought up to the database since this process started. */
  private caughtUp = false;

  private readonly options: AuditOptions;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Optional() @Inject(CHECKPOINT_KEYS) private readonly keys?: SigningKeys,
    @Optional() @Inject(AUDIT_OPTIONS) options?: AuditOptions,
  ) {
    this.options = options ?? DEFAULT_AUDIT_OPTIONS;
  }

  onApplicationBootstrap(): void {
    if (!this.keys) {
      this.logger.warn('no checkpoint key (ADMIT_CHECKPOINT_KEY_FILE): chain heads are not checkpointed');
      return;
    }
    if (!this.options.checkpointSink) this.logger.warn('checkpoints are kept in the database only: nothing outside it shows a removed one');
    else this.logger.log(`checkpoints are also written to ${this.options.checkpointSink.name}`);
    if (this.options.checkpointIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.checkpointIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.options.checkpointSink?.close();
  }

  /**
   * Signs and stores the current heads, then writes the checkpoint externally; undefined when
   * nothing changed since the last checkpoint (and the heartbeat is not due), there is no key, or
   * another instance stored the same number first.
   */
  async checkpoint(now = new Date()): Promise<StoredCheckpoint | undefined> {
    if (!this.keys) return undefined;
    const query = <T>(sql: string, params?: unknown[]) => this.db.query(sql, params) as Promise<T[]>;
    if (!this.caughtUp) await this.catchUp(query);
    const heads = await readHeads(query);
    if (heads.length === 0) return this.flush().then(() => undefined);
    const [last] = await query<{ seq: string; heads: ChainHead[]; jws: string; created_at: Date }>(
      `SELECT seq::text AS seq, heads, jws, created_at FROM audit_checkpoints c ORDER BY c.seq DESC LIMIT 1`,
    );
    const heartbeatMs = HEARTBEAT_INTERVALS * this.options.checkpointIntervalMs;
    const due = heartbeatMs > 0 && last !== undefined && now.getTime() - last.created_at.getTime() >= heartbeatMs;
    if (last && sameHeads(last.heads, heads) && !due) return this.flush().then(() => undefined);
    const seq = last ? BigInt(last.seq) + 1n : 1n;
    const claims: CheckpointClaims = {
      iss: CHECKPOINT_ISSUER,
      iat: Math.floor(now.getTime() / 1000),
      seq: Number(seq),
      prev: last ? checkpointDigest(last.jws) : GENESIS_HASH,
      heads,
    };
    const jws = await this.keys.sign({ ...claims }, CHECKPOINT_TYP);
    // The number is the key: two instances checkpointing at once store one of the two.
    const [row] = await query<{ seq: string; created_at: Date }>(
      `INSERT INTO audit_checkpoints (seq, kid, heads, jws) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (seq) DO NOTHING RETURNING seq::text AS seq, created_at`,
      [seq.toString(), this.keys.kid, JSON.stringify(heads), jws],
    );
    if (!row) return undefined;
    this.unsent.push({ seq: row.seq, jws });
    await this.flush();
    return { seq: row.seq, created_at: row.created_at, kid: this.keys.kid, heads, jws };
  }

  /**
   * Once per process: queues the numbered checkpoints stored after the external copy's last one,
   * such as one stored just before a crash and never written out.
   */
  private async catchUp(query: <T>(sql: string, params?: unknown[]) => Promise<T[]>): Promise<void> {
    const sink = this.options.checkpointSink;
    if (sink) {
      const last = await sink.lastSeq();
      const rows = await query<{ seq: string; jws: string }>(`SELECT seq::text AS seq, jws FROM audit_checkpoints c WHERE c.seq > $1 ORDER BY c.seq`, [last ?? '0']);
      // Checkpoints from before numbering are not part of the numbered sequence the copy holds; a row
      // that is not a JWS at all is nothing the service signed, and verify names it.
      const numbered = rows.filter((row) => orUndefined(() => decodeJwt(row.jws).seq) !== undefined);
      if (numbered.length > 0) this.logger.log(`writing ${numbered.length} checkpoint(s) ${sink.name} does not have yet`);
      this.unsent.unshift(...numbered.filter((row) => !this.unsent.some((u) => u.seq === row.seq)));
    }
    this.caughtUp = true;
  }

  /** Writes the stored checkpoints the external copy does not have yet, oldest first; keeps them on failure. */
  private async flush(): Promise<void> {
    const sink = this.options.checkpointSink;
    if (!sink) return void this.unsent.splice(0);
    while (this.unsent.length > 0) {
      try {
        await sink.append(this.unsent[0]);
        this.unsent.shift();
      } catch (err) {
        this.logger.warn(`checkpoint ${this.unsent[0].seq} is not yet in ${sink.name}, will try again: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.checkpoint()
      .catch((err: unknown) => this.logger.warn(`checkpoint failed, will try again: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
