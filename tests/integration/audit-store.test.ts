// Real: the Kafka broker, PostgreSQL (a database of its own), the migrations, the audit service's
// Nest module. Nothing stubbed.
import { AuditModule } from '@admit/audit';
import { BusErrorFilter, BusModule, kafkaTransport } from '@admit/bus';
import { encodeEvent, newEvent, Topic } from '@admit/contracts';
import { createDataSource, migrate, StoreModule } from '@admit/store';
import { INestMicroservice, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { lastValueFrom } from 'rxjs';
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
  let app: INestMicroservice;
  let pg: Client;
  const logs = new LogRecorder();
  const transport = () =>
    kafkaTransport(
      { brokers: KAFKA_BROKERS, clientId: 'admit-audit-test', groupPrefix: topics.prefix, topicPrefix: topics.prefix },
      { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
    );

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase('audit'), createTestTopics('audit')]);
    const bus = transport();
    app = await NestFactory.createMicroservice(
      { module: class AuditTestModule {}, imports: [BusModule.forRoot(bus), StoreModule.forRoot({ url: db.url }), AuditModule] },
      { strategy: bus.server, logger: logs },
    );
    app.useGlobalFilters(new BusErrorFilter());
    await app.listen();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await Promise.all([db?.drop(), topics?.drop()]);
  });

  it('stores each event once, with its position, even when it is delivered again', async () => {
    const clientId = `c-${randomUUID()}`;
    const event = requested(clientId, 'audit test');
    const publisher = transport().client;
    try {
      // The same event three times: a producer retry, a redelivery after a crash, a replay.
      for (let i = 0; i < 3; i++) await lastValueFrom(publisher.emit(Topic.RegistrationRequested, encodeEvent(event)));
      const marker = newEvent(Topic.RegistrationRequested, { ...event.data }, { source: '/test', subject: clientId });
      await lastValueFrom(publisher.emit(Topic.RegistrationRequested, encodeEvent(marker)));

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
      });
      expect(rows[0].event_time.toISOString()).toBe(event.time);
    } finally {
      await publisher.close();
    }
  });

  it('waits out a database outage: nothing is dead-lettered, and the event is stored once the database is back', async () => {
    const clientId = `c-${randomUUID()}`;
    const event = requested(clientId, 'outage');
    const publisher = transport().client;
    await pg.end();
    await withServer(async (admin) => {
      await admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    });
    try {
      await lastValueFrom(publisher.emit(Topic.RegistrationRequested, encodeEvent(event)));
      // Far more attempts than maxAttempts (2): a dependency outage never dead-letters.
      await eventually('the fifth attempt at the event', () => logs.lines.find((l) => l.includes(`${event.id} failed (attempt 5, transient)`)));
    } finally {
      await withServer((admin) => admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`));
      await publisher.close();
    }
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const rows = await eventually('the row after the outage', async () => {
      const result = await pg.query('SELECT event_id, type FROM audit_events WHERE subject = $1', [clientId]);
      return result.rows.length > 0 ? result.rows : undefined;
    });
    expect(rows).toEqual([{ event_id: event.id, type: Topic.RegistrationRequested }]);
    expect(logs.lines.filter((l) => l.includes('dead-lettered'))).toEqual([]);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET type = 'forged'`],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s: the database keeps the trail append-only', async (op, sql) => {
    const before = await pg.query('SELECT count(*)::int AS n FROM audit_events');
    expect(before.rows[0].n).toBeGreaterThan(0);
    await expect(pg.query(sql)).rejects.toMatchObject({ code: '42501', message: `audit_events is append-only: ${op} is not allowed` });
    expect((await pg.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(before.rows[0].n);
  });

  it('migrates idempotently, also when several instances start at once', async () => {
    const sources = await Promise.all([1, 2, 3].map(() => createDataSource({ url: db.url }).initialize()));
    try {
      await Promise.all(sources.map((ds) => migrate(ds)));
      const { rows } = await pg.query('SELECT name FROM admit_migrations');
      expect(rows.map((r) => r.name)).toEqual(['AuditEvents1764316800000', 'AuditAppendOnly1764320400000']);
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
    }
  });
});
