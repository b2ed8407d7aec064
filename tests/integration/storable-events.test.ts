// Real: the audit service's Nest module and its batch consumer, PostgreSQL (a database of its own) with
// the migrations, the Kafka broker and the in-process bus of embedded mode, the contracts' validators.
// Nothing stubbed; fast-check generates the events from the contracts' own schemas.
import { AuditModule, storedData } from '@admit/audit';
import { BusErrorFilter, BusModule, BusTransport, InProcessBroker, inProcessTransport, kafkaTransport } from '@admit/bus';
import { ALL_TOPICS, encodeEvent, newEvent, Topic } from '@admit/contracts';
import { contractValidData } from '@admit/contracts/testing';
import { KeysModule } from '@admit/keys';
import { AdminAuthModule } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const RETRY = { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 };

const event = fc
  .constantFrom(...ALL_TOPICS)
  .chain((type) => fc.tuple(fc.constant(type), contractValidData[type]))
  .map(([type, data]) => newEvent(type, data as never, { source: '/test', subject: `s-${Math.random().toString(36).slice(2)}` }));

describe.each(['kafka', 'in-process'] as const)('every event that passes its contract is stored by audit (%s bus)', (kind) => {
  let db: TestDatabase;
  let topics: TestTopics | undefined;
  let bus: BusTransport;
  let app: INestMicroservice;
  let pg: Client;
  let keyDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('storable');
    if (kind === 'kafka') {
      const t = await createTestTopics('storable');
      topics = t;
      bus = kafkaTransport({ brokers: KAFKA_BROKERS, clientId: 'admit-storable-test', groupPrefix: t.prefix, topicPrefix: t.prefix }, RETRY);
    } else {
      bus = inProcessTransport(new InProcessBroker(), RETRY);
    }
    keyDir = mkdtempSync(join(tmpdir(), 'admit-storable-keys-'));
    app = await NestFactory.createMicroservice(
      {
        module: class StorableTestModule {},
        imports: [BusModule.forRoot(bus), StoreModule.forRoot({ url: db.url }), KeysModule.forRoot({ dataDir: keyDir }), AdminAuthModule.forRoot({}), AuditModule.forRoot({ checkpointIntervalMs: 0 })],
      },
      { strategy: bus.server, logger: false },
    );
    app.useGlobalFilters(new BusErrorFilter());
    await app.listen();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await bus?.client.close();
    await app?.close();
    await Promise.all([db?.drop(), topics?.drop()]);
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('stores every generated contract-valid event, data unchanged (a workload SVID by its digest), and dead-letters none', async () => {
    const sent = fc.sample(fc.array(event, { minLength: 1, maxLength: 40 }), { numRuns: 8 }).flat();
    for (const e of sent) await bus.client.send(e.type, encodeEvent(e));
    const ids = sent.map((e) => e.id);
    const rows = await eventually(`all ${ids.length} events stored`, async () => {
      const { rows } = await pg.query<{ event_id: string; data: unknown }>('SELECT event_id, data FROM audit_events WHERE event_id = ANY($1::text[])', [ids]);
      const dead = await pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = $1`, [Topic.DeadLetter]);
      const deadLettered = dead.rows[0].n - sent.filter((e) => e.type === Topic.DeadLetter).length;
      if (deadLettered > 0) throw new Error(`${deadLettered} event(s) dead-lettered instead of stored`);
      return rows.length === ids.length ? rows : undefined;
    });
    const stored = new Map(rows.map((r) => [r.event_id, r.data]));
    for (const e of sent) expect({ id: e.id, data: stored.get(e.id) }).toEqual({ id: e.id, data: storedData(e.type, e.data).value });
  });
});
