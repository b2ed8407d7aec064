// Real: the Kafka broker, PostgreSQL (a database of its own), the migrations, the audit service's
// Nest module with the batch consumer, the signing key (generated in a temporary folder). Nothing stubbed.
import { AuditModule, BreakReason, ChainWriter, CHECKPOINT_KEYS, Checkpointer, sqlOf, verifyChains } from '@admit/audit';
import { BusErrorFilter, BusModule, BusSender, kafkaTransport } from '@admit/bus';
import { CloudEvent, encodeEvent, newEvent, Topic, WireMessage } from '@admit/contracts';
import { KeysModule, SigningKeys } from '@admit/keys';
import { AdminAuthModule } from '@admit/platform';
import { ALL_MIGRATIONS } from '@admit/launcher';
import { createDataSource, migrate, StoreModule } from '@admit/store';
import { INestMicroservice, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase, withServer } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

function requested(clientId: string, clientName: string) {
  return newEvent(
    Topic.RegistrationRequested,
    { client_id: clientId, source: 'rfc7591', metadata: { client_name: clientName }, received_at: new Date().toISOString() },
    { source: '/test', subject: clientId },
  );
}

/** Keeps what the services log, so a test can wait for a retry it cannot otherwise see. */
class LogRecorder implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe('audit store', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestMicroservice | undefined;
  let pg: Client;
  let keyDir: string;
  let publisher: BusSender;
  const logs = new LogRecorder();
  const transport = () =>
    kafkaTransport(
      { brokers: KAFKA_BROKERS, clientId: 'admit-audit-test', groupPrefix: topics.prefix, topicPrefix: topics.prefix },
      { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    );
  const emit = (message: WireMessage, topic: string = Topic.RegistrationRequested) => publisher.send(topic, message);
  const count = async (sql: string, params: unknown[] = []) => Number((await pg.query(sql, params)).rows[0].n);
  const verify = async () => verifyChains(sqlOf(pg), { jwks: app!.get<SigningKeys>(CHECKPOINT_KEYS).publicJwks() });

  async function startAudit(): Promise<void> {
    const bus = transport();
    app = await NestFactory.createMicroservice(
      {
        module: class AuditTestModule {},
        imports: [
          BusModule.forRoot(bus),
          StoreModule.forRoot({ url: db.appUrl }),
          KeysModule.forRoot({ dataDir: keyDir }),
          AdminAuthModule.forRoot({}),
          AuditModule.forRoot({ checkpointIntervalMs: 0, checkpointKey: { dataDir: keyDir } }),
        ],
      },
      { strategy: bus.server, logger: logs },
    );
    app.useGlobalFilters(new BusErrorFilter());
    await app.listen();
  }

  /** Publishes a marker on the partition of `key` and waits until it is stored: everything before it on that partition is too. */
  async function settle(key: string): Promise<void> {
    const marker = requested(key, 'marker');
    await emit(encodeEvent(marker));
    await eventually(`the marker of ${key}`, async () => ((await count('SELECT count(*) AS n FROM audit_events WHERE event_id = $1', [marker.id])) === 1 ? true : undefined));
  }

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase('audit'), createTestTopics('audit')]);
    keyDir = mkdtempSync(join(tmpdir(), 'admit-audit-keys-'));
    await startAudit();
    publisher = transport().client;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await publisher?.close();
    await app?.close();
    await Promise.all([db?.drop(), topics?.drop()]);
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('stores each event once, with its position, even when it is delivered again', async () => {
    const clientId = `c-${randomUUID()}`;
    const event = requested(clientId, 'audit test');
    // The same event three times: a producer retry, a redelivery after a crash, a replay.
    for (let i = 0; i < 3; i++) await emit(encodeEvent(event));
    const marker = newEvent(Topic.RegistrationRequested, { ...event.data }, { source: '/test', subject: clientId });
    await emit(encodeEvent(marker));

    // The marker comes after the copies on the same partition, so once it is stored, so are they.
    const rows = await eventually('the marker row', async () => {
      const result = await pg.query('SELECT * FROM audit_events WHERE subject = $1 ORDER BY "offset"', [clientId]);
      return result.rows.some((r) => r.event_id === marker.id) ? result.rows : undefined;
    });
    expect(rows.map((r) => r.event_id)).toEqual([event.id, marker.id]);
    expect(rows[0]).toMatchObject({
      type: Topic.RegistrationRequested,
      source: '/test',
      subject: clientId,
      correlation_id: event.correlationid,
      topic: Topic.RegistrationRequested,
      offset: expect.stringMatching(/^[0-9]+$/),
      data: event.data,
      client_id: clientId,
    });
    expect(rows[0].event_time.toISOString()).toBe(event.time);
    // Each stored event is one link of its partition's chain; the copies added none.
    const links = await pg.query('SELECT event_seq::text AS seq, topic, partition FROM audit_chain_links WHERE event_seq = ANY($1::bigint[]) ORDER BY position', [
      rows.map((r) => r.seq),
    ]);
    expect(links.rows.map((l) => l.seq)).toEqual(rows.map((r) => String(r.seq)));
    expect(links.rows.every((l) => l.topic === rows[0].topic && l.partition === rows[0].partition)).toBe(true);
  });

  it('batches: many events are stored once each and chained in offset order, also when the whole topic is delivered again', async () => {
    const keys = Array.from({ length: 6 }, () => `c-${randomUUID()}`);
    const sent: CloudEvent[] = [];
    for (let i = 0; i < 60; i++) sent.push(requested(keys[i % keys.length], `batch ${i}`));
    await Promise.all(sent.map((e) => emit(encodeEvent(e))));
    // Copies of a third of them, as a producer retry would add.
    for (const e of sent.filter((_, i) => i % 3 === 0)) await emit(encodeEvent(e));
    for (const key of keys) await settle(key);
    const stored = () => count('SELECT count(*) AS n FROM audit_events WHERE subject = ANY($1::text[])', [keys]);
    expect(await stored()).toBe(60 + keys.length);
    const before = await pg.query('SELECT topic, partition, length::text, hash FROM audit_chain_heads ORDER BY topic, partition');

    // A crash before the commit, replayed: the group starts again from the beginning of every topic.
    await app!.close();
    app = undefined;
    const admin = new Kafka({ clientId: 'admit-tests', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      for (const topic of Object.values(Topic)) await admin.resetOffsets({ groupId: `${topics.prefix}.audit`, topic: `${topics.prefix}${topic}`, earliest: true });
    } finally {
      await admin.disconnect();
    }
    await startAudit();
    for (const key of keys) await settle(key);

    expect(await stored()).toBe(60 + 2 * keys.length);
    // The replay changed no chain: only the new markers were linked.
    const after = await pg.query('SELECT topic, partition, length::text, hash FROM audit_chain_heads ORDER BY topic, partition');
    const grown = after.rows.filter((h, i) => before.rows[i]?.hash !== h.hash);
    expect(grown.reduce((n, h) => n + Number(h.length) - Number(before.rows.find((b) => b.partition === h.partition && b.topic === h.topic)?.length ?? 0), 0)).toBe(keys.length);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, breaks: [], unchained: { count: 0 } });
    expect(report.links_checked).toBe(await count('SELECT count(*) AS n FROM audit_events'));
    // Chain order is offset order within each partition.
    const disorder = await count(`SELECT count(*) AS n FROM (
      SELECT e."offset" < lag(e."offset") OVER (PARTITION BY l.topic, l.partition ORDER BY l.position) AS back
      FROM audit_chain_links l JOIN audit_events e ON e.seq = l.event_seq) x WHERE back`);
    expect(disorder).toBe(0);
  });

  it('waits out a database outage: nothing is dead-lettered, lost or doubled, and the chain stays intact', async () => {
    const keys = Array.from({ length: 3 }, () => `c-${randomUUID()}`);
    const events = Array.from({ length: 30 }, (_, i) => requested(keys[i % keys.length], `outage ${i}`));
    const attemptsBefore = logs.lines.filter((l) => l.includes('(attempt 4, transient)')).length;
    await pg.end();
    await withServer(async (admin) => {
      await admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    });
    try {
      for (const e of events) await emit(encodeEvent(e));
      // Far more attempts than maxAttempts (2): a dependency outage never dead-letters.
      await eventually('a fourth attempt during the outage', () => (logs.lines.filter((l) => l.includes('(attempt 4, transient)')).length > attemptsBefore ? true : undefined));
    } finally {
      await withServer((admin) => admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`));
    }
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (const key of keys) await settle(key);
    const rows = await pg.query('SELECT event_id FROM audit_events WHERE subject = ANY($1::text[]) AND data -> \'metadata\' ->> \'client_name\' LIKE \'outage %\'', [keys]);
    expect(rows.rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(logs.lines.filter((l) => l.includes('dead-lettered'))).toEqual([]);
    expect(await verify()).toMatchObject({ ok: true, breaks: [], unchained: { count: 0 } });
  });

  it('signs checkpoints of the chain heads that verify against the public keys, and only when the heads moved', async () => {
    const checkpointer = app!.get(Checkpointer);
    const first = await checkpointer.checkpoint();
    expect(first).toBeDefined();
    expect(await checkpointer.checkpoint()).toBeUndefined();
    const heads = await pg.query('SELECT topic, partition, length::int AS length, hash FROM audit_chain_heads WHERE length > 0 ORDER BY topic, partition');
    expect(first!.heads).toEqual(heads.rows);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checkpoints: { count: 1, signatures_checked: true, problems: [], latest: { seq: first!.seq } } });
  });

  it.each([
    ['audit_events', 'UPDATE', `UPDATE audit_events SET type = 'forged'`],
    ['audit_events', 'DELETE', 'DELETE FROM audit_events'],
    ['audit_events', 'TRUNCATE', 'TRUNCATE audit_events'],
    ['audit_chain_links', 'UPDATE', `UPDATE audit_chain_links SET hash = repeat('0', 64)`],
    ['audit_chain_links', 'DELETE', 'DELETE FROM audit_chain_links'],
    ['audit_checkpoints', 'DELETE', 'DELETE FROM audit_checkpoints'],
    ['audit_checkpoints', 'TRUNCATE', 'TRUNCATE audit_checkpoints'],
  ])('refuses %s %s: the database keeps the trail append-only', async (table, op, sql) => {
    const before = await count(`SELECT count(*) AS n FROM ${table}`);
    expect(before).toBeGreaterThan(0);
    await expect(pg.query(sql)).rejects.toMatchObject({ code: '42501', message: `${table} is append-only: ${op} is not allowed` });
    expect(await count(`SELECT count(*) AS n FROM ${table}`)).toBe(before);
  });

  it('migrates idempotently, also when several instances start at once', async () => {
    const sources = await Promise.all([1, 2, 3].map(() => createDataSource({ url: db.url }).initialize()));
    try {
      await Promise.all(sources.map((ds) => migrate(ds, ALL_MIGRATIONS)));
      const { rows } = await pg.query('SELECT name FROM admit_migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS.map((m) => m.name).sort((a, b) => a.slice(-13).localeCompare(b.slice(-13))));
      expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['AuditChain1764410400000', 'AuditQueryColumns1764414000000']));
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
    }
  });

  it('keeps one chain when writers on separate connections append to the same partition at once', async () => {
    const sources = await Promise.all([1, 2, 3].map(() => createDataSource({ url: db.url }).initialize()));
    try {
      const topic = `${topics.prefix}concurrent-writers`;
      const writes = sources.flatMap((ds, w) => {
        const writer = new ChainWriter(ds);
        return Array.from({ length: 10 }, (_, k) => writer.append(topic, 7, [{ event: requested(`c-${randomUUID()}`, `writer ${w}`), offset: String(w * 100 + k) }]));
      });
      expect(await Promise.all(writes)).toEqual(writes.map(() => 1));
      const { rows } = await pg.query('SELECT position::int AS position, prev_hash, hash FROM audit_chain_links WHERE topic = $1 AND partition = 7 ORDER BY position', [topic]);
      expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i].hash));
      expect((await pg.query('SELECT length::int AS length, hash FROM audit_chain_heads WHERE topic = $1 AND partition = 7', [topic])).rows).toEqual([{ length: 30, hash: rows[29].hash }]);
      expect((await verify()).ok).toBe(true);
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
    }
  });

  it('stores a chain hash only as 64 lowercase hex digits', async () => {
    const hex = 'ab'.repeat(32);
    const link = (hash: string) =>
      pg.query(`INSERT INTO audit_chain_links (event_seq, topic, partition, position, prev_hash, hash) VALUES (-1, 'check', 0, 1, $1, $2)`, [hex, hash]);
    for (const bad of [hex.slice(1), `${hex}0`, hex.toUpperCase(), `${hex.slice(2)}g0`, `${hex.slice(1)}\n`, '']) {
      await expect(link(bad)).rejects.toMatchObject({ code: '23514', constraint: 'audit_chain_links_hash_check' });
    }
    await pg.query('BEGIN');
    try {
      await link(hex);
      expect(await count(`SELECT count(*) AS n FROM audit_chain_links WHERE topic = 'check'`)).toBe(1);
    } finally {
      await pg.query('ROLLBACK');
    }
  });

  // Last: it breaks the chain on purpose.
  it('names exactly the tampered row when one stored event is changed behind the trigger', async () => {
    const clientId = `c-${randomUUID()}`;
    const victim = requested(clientId, 'genuine');
    await emit(encodeEvent(victim));
    await emit(encodeEvent(requested(clientId, 'after the victim')));
    await settle(clientId);
    const { rows } = await pg.query('SELECT seq::text AS seq, topic, partition FROM audit_events WHERE event_id = $1', [victim.id]);
    const [{ position }] = (await pg.query('SELECT position::int AS position FROM audit_chain_links WHERE event_seq = $1', [rows[0].seq])).rows;

    // As the superuser, with the trigger off for this one statement.
    await pg.query('BEGIN');
    await pg.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await pg.query(`UPDATE audit_events SET data = jsonb_set(data, '{metadata,client_name}', '"forged"') WHERE event_id = $1`, [victim.id]);
    await pg.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    await pg.query('COMMIT');

    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([
      {
        topic: rows[0].topic,
        partition: rows[0].partition,
        position,
        event_seq: rows[0].seq,
        event_id: victim.id,
        reason: BreakReason.HashMismatch,
        description: expect.stringContaining(victim.id),
      },
    ]);
  });
});
