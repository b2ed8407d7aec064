/**
 * Audit ingest, sustained: a backlog of events on Kafka, drained by the audit service's batch
 * consumer into PostgreSQL (exactly once, hash-chained, offsets committed after each transaction),
 * beside a plain multi-row INSERT of the same rows into a bare table on the same server, in the same
 * run.
 */
import 'reflect-metadata';
import { AuditModule } from '@admit/audit';
import { BusErrorFilter, BusModule, ensureTopics, kafkaTransport, topicPlan } from '@admit/bus';
import { encodeEvent, newEvent, Topic } from '@admit/contracts';
import { dropDatabase, ensureDatabase } from '@admit/launcher';
import { AdminAuthModule } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Figure, figure } from './figures';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 20_000);
const CLIENTS = 500;
const PLAIN_BATCH = 500;
const DEADLINE_MS = 10 * 60_000;

export async function auditIngestFigures(): Promise<Figure[]> {
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-audit-${suffix}.`;
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_audit_${suffix}` }).toString();
  await ensureDatabase(databaseUrl);
  const plan = topicPlan(6, 1, prefix);
  await ensureTopics(BROKERS, plan);
  const kafka = new Kafka({ clientId: 'admit-bench-audit', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const pg = new Client({ connectionString: databaseUrl });
  try {
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const clientId = `c_bench_${i % CLIENTS}`;
      return newEvent(
        Topic.RegistrationRequested,
        { client_id: clientId, source: 'rfc7591', metadata: { client_name: `bench ${i}`, redirect_uris: ['https://bench.example/cb'] }, received_at: new Date().toISOString() },
        { source: '/bench', subject: clientId },
      );
    });
    // The backlog first, so the consumer is measured draining it, not waiting for the producer.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < events.length; i += 1_000) {
      await producer.send({
        topic: `${prefix}${Topic.RegistrationRequested}`,
        acks: -1,
        messages: events.slice(i, i + 1_000).map((e) => encodeEvent(e)),
      });
    }
    await producer.disconnect();

    const transport = kafkaTransport({ brokers: BROKERS, clientId: 'admit-bench-audit', groupPrefix: prefix, topicPrefix: prefix });
    const app = await NestFactory.createMicroservice(
      { module: class AuditBenchModule {}, imports: [BusModule.forRoot(transport), StoreModule.forRoot({ url: databaseUrl }), AdminAuthModule.forRoot({}), AuditModule.forRoot({ checkpointIntervalMs: 0 })] },
      { strategy: transport.server, logger: ['error'] },
    );
    app.useGlobalFilters(new BusErrorFilter());
    await pg.connect();
    await app.listen();
    // Sustained: from the first stored row to the last, so joining the consumer group is not counted.
    const stored = async () => Number((await pg.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
    const deadline = Date.now() + DEADLINE_MS;
    let first = 0;
    while ((first = await stored()) === 0) {
      if (Date.now() > deadline) throw new Error(`audit ingest bench: nothing stored within ${DEADLINE_MS} ms`);
      await delay(5);
    }
    const start = performance.now();
    while ((await stored()) < EVENTS) {
      if (Date.now() > deadline) throw new Error(`audit ingest bench: not done within ${DEADLINE_MS} ms`);
      await delay(20);
    }
    const ingestMs = performance.now() - start;
    const measured = EVENTS - first;
    await app.close();

    // The reference: the same rows, multi-row INSERTs into a bare table (no unique check, chain or trigger).
    await pg.query(`CREATE TABLE bench_plain (event_id text, type text, source text, subject text, correlation_id text, causation_id text,
      event_time timestamptz, topic text, partition int, "offset" bigint, data jsonb)`);
    const batches: number[] = [];
    const plainStart = performance.now();
    for (let i = 0; i < events.length; i += PLAIN_BATCH) {
      const slice = events.slice(i, i + PLAIN_BATCH);
      const t = performance.now();
      await pg.query(
        `INSERT INTO bench_plain VALUES ${slice.map((_, r) => `(${Array.from({ length: 11 }, (_, c) => `$${r * 11 + c + 1}`).join(', ')})`).join(', ')}`,
        slice.flatMap((e, r) => [e.id, e.type, e.source, e.subject, e.correlationid, null, e.time, e.type, 0, String(i + r), JSON.stringify(e.data)]),
      );
      batches.push(performance.now() - t);
    }
    const plainMs = performance.now() - plainStart;
    const ingestRate = (measured / ingestMs) * 1000;
    const plainRate = (EVENTS / plainMs) * 1000;
    return [
      figure(`audit ingest, sustained (Kafka backlog -> chained PostgreSQL), ms per ${PLAIN_BATCH} events`, [(ingestMs / measured) * PLAIN_BATCH], {
        rate: ingestRate,
        ratio: { to: 'plain multi-row insert', value: ingestRate / plainRate },
        target: '>= 20,000 events/s',
        met: ingestRate >= 20_000,
      }),
      figure(`plain multi-row INSERT of the same rows (${PLAIN_BATCH} per statement), per statement`, batches, { rate: plainRate }),
    ];
  } finally {
    await pg.end().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: plan.map((t) => t.topic) }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(databaseUrl);
  }
}

// `tsx tools/bench/audit.ts` runs this figure alone.
if (require.main === module) {
  auditIngestFigures().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
