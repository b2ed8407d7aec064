import { Injectable } from '@nestjs/common';
import { AdminAction, RevocationKind, Topic } from '@admit/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RevocationRecord } from './revocation-record';

/** The actor of what Admit does on its own, such as letting a revocation lapse. */
export const SYSTEM_ACTOR = 'system';

export interface Written {
  record: RevocationRecord;
  /** The outbox row that puts the change on the topic; the caller waits for it to be published. */
  outboxSeq: string;
}

/**
 * Every change is one SQL statement: the row and its outbox entries (the key to publish, and the
 * admin action) commit together or not at all. Single statements also keep PGlite, which has one
 * connection shared by the whole process, free of interleaved transactions.
 */
@Injectable()
export class RevocationStore {
  constructor(private readonly db: DataSource) {}

  /** Stores a new revocation in force, or returns the one already in force for (kind, value). */
  async create(
    input: { kind: RevocationKind; value: string; reason: string; expires_at?: string },
    actor: string,
    now: Date,
  ): Promise<Written | { existing: string }> {
    await this.expire(now);
    // Checked first so the usual duplicate is no failed statement; the unique index settles races.
    const already = await this.activeFor(input.kind, input.value, now);
    if (already) return { existing: already.id };
    const id = randomUUID();
    const at = now.toISOString();
    const action: AdminAction = {
      actor,
      action: 'revocation.created',
      target: id,
      details: { kind: input.kind, value: input.value, reason: input.reason, ...(input.expires_at ? { expires_at: input.expires_at } : {}) },
      at,
    };
    try {
      const rows = (await this.db.query(
        `WITH r AS (
           INSERT INTO revocations (id, kind, value, reason, actor, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *),
         k AS (INSERT INTO revocation_outbox (topic, key) SELECT $8, kind || ':' || value FROM r RETURNING seq),
         a AS (INSERT INTO revocation_outbox (topic, key, event_id, data) SELECT $9, $5, $10, $11::jsonb FROM r)
         SELECT r.*, (SELECT seq FROM k) AS outbox_seq FROM r`,
        [id, input.kind, input.value, input.reason, actor, at, input.expires_at ?? null, Topic.Revocations, Topic.AdminActions, randomUUID(), JSON.stringify(action)],
      )) as (RevocationRecord & { outbox_seq: string })[];
      return written(rows[0]);
    } catch (err) {
      if (!isActiveKeyConflict(err)) throw err;
      const existing = await this.activeFor(input.kind, input.value, now);
      // Lifted between the conflict and this read: the caller may simply try again.
      if (!existing) throw err;
      return { existing: existing.id };
    }
  }

  /** Lifts a revocation in force; undefined when there is none with this id. */
  async lift(id: string, actor: string, now: Date): Promise<Written | 'not_active' | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = (await this.db.query(
      `WITH r AS (
         UPDATE revocations SET status = 'lifted', lifted_at = $2, lifted_by = $3
         WHERE id = $1 AND status = 'active' RETURNING *),
       k AS (INSERT INTO revocation_outbox (topic, key) SELECT $4, kind || ':' || value FROM r RETURNING seq),
       a AS (INSERT INTO revocation_outbox (topic, key, event_id, data)
             SELECT $5, $3, gen_random_uuid(), jsonb_build_object('actor', $3::text, 'action', 'revocation.lifted', 'target', r.id::text,
               'details', jsonb_build_object('kind', r.kind, 'value', r.value), 'at', $6::text) FROM r)
       SELECT r.*, (SELECT seq FROM k) AS outbox_seq FROM r`,
      [id, now.toISOString(), actor, Topic.Revocations, Topic.AdminActions, now.toISOString()],
    )) as (RevocationRecord & { outbox_seq: string })[];
    if (rows.length > 0) return written(rows[0]);
    return (await this.find(id)) ? 'not_active' : undefined;
  }

  /** Marks every revocation past its `expires_at` as expired, by `system`; returns how many. */
  async expire(now: Date): Promise<number> {
    const rows = (await this.db.query(
      `WITH r AS (
         UPDATE revocations SET status = 'expired', lifted_at = expires_at, lifted_by = $2
         WHERE status = 'active' AND expires_at <= $1 RETURNING *),
       k AS (INSERT INTO revocation_outbox (topic, key) SELECT $3, kind || ':' || value FROM r),
       a AS (INSERT INTO revocation_outbox (topic, key, event_id, data)
             SELECT $4, $2, gen_random_uuid(), jsonb_build_object('actor', $2::text, 'action', 'revocation.expired', 'target', r.id::text,
               'details', jsonb_build_object('kind', r.kind, 'value', r.value, 'expires_at', to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
               'at', $5::text) FROM r)
       SELECT r.id FROM r`,
      [now.toISOString(), SYSTEM_ACTOR, Topic.Revocations, Topic.AdminActions, now.toISOString()],
    )) as { id: string }[];
    return rows.length;
  }

  /** Queues the current state of every key the database knows, so an empty or recreated topic is rebuilt. */
  async queueEverything(): Promise<void> {
    await this.db.query(
      `INSERT INTO revocation_outbox (topic, key) SELECT DISTINCT $1, kind || ':' || value FROM revocations`,
      [Topic.Revocations],
    );
  }

  async find(id: string): Promise<RevocationRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = (await this.db.query(`SELECT * FROM revocations WHERE id = $1`, [id])) as RevocationRecord[];
    return rows[0];
  }

  /** The revocation in force for (kind, value) at `now`, if any. */
  async activeFor(kind: RevocationKind, value: string, now: Date): Promise<RevocationRecord | undefined> {
    // Past its expires_at but not yet swept counts as ended: the set in every service agrees.
    const rows = (await this.db.query(
      `SELECT * FROM revocations WHERE kind = $1 AND value = $2 AND status = 'active' AND (expires_at IS NULL OR expires_at > $3)`,
      [kind, value, now.toISOString()],
    )) as RevocationRecord[];
    return rows[0];
  }

  /** Revocations in force (or every one, with `includeEnded`), oldest first. */
  async list(includeEnded: boolean): Promise<RevocationRecord[]> {
    const where = includeEnded ? '' : `WHERE status = 'active'`;
    return (await this.db.query(`SELECT * FROM revocations ${where} ORDER BY created_at, id`)) as RevocationRecord[];
  }
}

function written(row: RevocationRecord & { outbox_seq: string }): Written {
  const { outbox_seq, ...record } = row;
  return { record, outboxSeq: String(outbox_seq) };
}

function isActiveKeyConflict(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  // revocations_active_key is the table's only unique constraint besides the random primary key.
  return (e.driverError?.code ?? e.code) === '23505';
}

/** Ids are UUIDs; anything else is no revocation (and never reaches the uuid column's parser). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
