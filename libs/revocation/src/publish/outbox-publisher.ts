import { Injectable, Logger } from '@nestjs/common';
import { Publisher } from '@admit/bus';
import { AdminAction, derivedId, RevocationKind, Topic } from '@admit/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { RevocationRecord, toRevocationEvent } from '../store/revocation-record';

/** Instances of the revocation service publish one at a time, so the topic ends with the latest state of each key. */
const PUBLISH_LOCK = 4_251_743;
const BATCH = 100;

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  event_id: string | null;
  data: AdminAction | null;
}

/**
 * Publishes the outbox. A revocations row names a key only; its state is read when it is published,
 * under a lock held across instances (an advisory lock) and within this one (a single drain), so a
 * slow publish can never land after, and undo, a newer one.
 */
@Injectable()
export class OutboxPublisher {
  private readonly logger = new Logger('RevocationOutbox');
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly db: DataSource,
    private readonly publisher: Publisher,
  ) {}

  /** Publishes everything pending; a call made while a drain runs gets one more pass. Never rejects. */
  drain(): Promise<void> {
    this.again = true;
    this.running ??= (async () => {
      try {
        while (this.again) {
          this.again = false;
          await this.drainLocked();
        }
      } catch (err) {
        this.logger.warn(`publishing revocations paused, will retry: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** True once outbox row `seq` is published, trying until `waitMs` has passed. */
  async published(seq: string, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left = deadline - Date.now();
      await Promise.race([this.drain(), delay(Math.max(left, 0), undefined, { ref: false })]);
      if (await this.isPublished(seq)) return true;
      if (Date.now() >= deadline) return false;
      // Another instance holds the lock, or the bus refused: look again shortly.
      await delay(Math.min(100, Math.max(deadline - Date.now(), 0)));
    }
  }

  async pendingCount(): Promise<number> {
    const [row] = (await this.db.query(`SELECT count(*)::int AS n FROM revocation_outbox WHERE published_at IS NULL`)) as { n: number }[];
    return row.n;
  }

  /** Forgets published rows after a day; the revocations table, not the outbox, is the record. */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM revocation_outbox WHERE published_at < now() - interval '1 day'`);
  }

  private async isPublished(seq: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT published_at FROM revocation_outbox WHERE seq = $1`, [seq])) as { published_at: Date | null }[];
    return rows[0]?.published_at != null;
  }

  private async drainLocked(): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [PUBLISH_LOCK])) as { locked: boolean }[];
      // Another instance is publishing; what it has not read yet it will, or the next drain here will.
      if (!locked) return;
      try {
        while (await this.publishBatch()) {
          /* until nothing is pending */
        }
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [PUBLISH_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Publishes up to one batch in order; false once nothing was pending. */
  private async publishBatch(): Promise<boolean> {
    const rows = (await this.db.query(
      `SELECT seq, topic, key, event_id, data FROM revocation_outbox WHERE published_at IS NULL ORDER BY seq LIMIT ${BATCH}`,
    )) as OutboxRow[];
    if (rows.length === 0) return false;
    const done = new Set<string>();
    for (const row of rows) {
      if (row.topic === Topic.Revocations) {
        // One publish per key per batch: it carries the key's state now, which covers every earlier row.
        if (!done.has(row.key)) await this.publishKey(row.key);
        done.add(row.key);
      } else if (row.topic === Topic.AdminActions && row.data && row.event_id) {
        await this.publisher.publish(Topic.AdminActions, row.data, { subject: row.key, id: row.event_id });
      } else {
        this.logger.error(`outbox row ${row.seq} names nothing publishable (${row.topic}); skipped`);
      }
      await this.db.query(`UPDATE revocation_outbox SET published_at = now() WHERE seq = $1`, [row.seq]);
    }
    return true;
  }

  private async publishKey(key: string): Promise<void> {
    const colon = key.indexOf(':');
    const [kind, value] = [key.slice(0, colon) as RevocationKind, key.slice(colon + 1)];
    const rows = (await this.db.query(
      `SELECT * FROM revocations WHERE kind = $1 AND value = $2 AND status = 'active' AND (expires_at IS NULL OR expires_at > now())`,
      [kind, value],
    )) as RevocationRecord[];
    if (rows.length === 0) return this.publisher.tombstone(Topic.Revocations, key);
    // A stable id per revocation: republishing it at every start is one event to deduplicating consumers.
    await this.publisher.publish(Topic.Revocations, toRevocationEvent(rows[0]), { subject: key, id: derivedId(rows[0].id, Topic.Revocations) });
  }
}
