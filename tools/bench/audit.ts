/**
 * Audit ingest, sustained: the audit service as a user runs it (the built app, one process and then
 * two in one consumer group), draining events from Kafka into PostgreSQL (exactly once,
 * hash-chained, offsets committed after each transaction), beside a plain multi-row INSERT of the
 * same rows into a bare table on the same server, in the same run.
 */
import { ensureTopics, topicPlan, withAdmin } from '@admit/bus';
import { encodeEvent, newEvent, Topic } from '@admit/contracts';
import { dropDatabase, ensureDatabase, startDistributed } from '@admit/launcher';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Figure, figure } from './figures';
import { bench, BENCH_BROKERS, BENCH_SERVER_URL as SERVER_URL } from './bench-config';
import { splitList } from '@admit/platform';
import { probeEnv } from './memory';

const BROKERS = splitList(BENCH_BROKERS);
const EVENTS = bench.BENCH_AUDIT_EVENTS;
const CLIENTS = 500;
const PARTITIONS = 6;
const PLAIN_BATCH = 500;
const DEADLINE_MS = 10 * 60_000;

/** Requested events of CLIENTS clients, keyed by client, so they spread over every partition. */
function benchEvents() {
  return Array.from({ length: EVENTS }, (_, i) => {
    const clientId = `c_bench_${i % CLIENTS}`;
    return newEvent(
      Topic.RegistrationRequested,
      { client_id: clientId, source: 'rfc7591', metadata: { client_name: `bench ${i}`, redirect_uris: ['https://bench.example/cb'] }, received_at: new Date().toISOString() },
      { source: '/bench', subject: clientId },
    );
  });
}
type BenchEvent = ReturnType<typeof benchEvents>[number];

export async function auditIngestFigures(): Promise<Figure[]> {
  const events = benchEvents();
  const one = await ingest(events, 1);
  const two = await ingest(events, 2);
  const plain = await plainInsert(events);
  return [
    figure(`audit ingest, sustained (Kafka -> chained PostgreSQL), one audit process, ms per ${PLAIN_BATCH} events`, [(one.ms / one.events) * PLAIN_BATCH], {
      rate: one.rate,
      ratio: { to: 'plain multi-row insert', value: one.rate / plain.rate },
      target: '>= 20,000 events/s',
      met: one.rate >= 20_000,
    }),
    figure(`audit ingest, sustained, two audit processes in one group, ms per ${PLAIN_BATCH} events`, [(two.ms / two.events) * PLAIN_BATCH], {
      rate: two.rate,
      ratio: { to: 'one audit process', value: two.rate / one.rate },
    }),
    figure(`plain multi-row INSERT of the same rows (${PLAIN_BATCH} per statement), per statement`, plain.batches, { rate: plain.rate }),
  ];
}

/**
 * `processes` audit apps on a database and topics of their own: once they are ready (joined), the
 * events are produced, and the drain is timed from the first stored row to the last, so neither
 * start-up nor the group join is counted.
 */
async function ingest(events: BenchEvent[], processes: number): Promise<{ ms: number; events: number; rate: number }> {
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-audit-${suffix}.`;
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_audit_${suffix}` }).toString();
  await ensureDatabase(databaseUrl);
  const plan = topicPlan(PARTITIONS, 1, prefix);
  await ensureTopics(BROKERS, plan);
  const kafka = new Kafka({ clientId: 'admit-bench-audit', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const pg = new Client({ connectionString: databaseUrl });
  const env = { KAFKA_BROKERS: BROKERS.join(','), DATABASE_URL: databaseUrl, ADMIT_KAFKA_TOPIC_PREFIX: prefix, ADMIT_KAFKA_GROUP_PREFIX: prefix, ADMIT_HTTP_PORT: '0', ADMIT_LOG_LEVEL: 'warn', ...probeEnv() };
  const stack = await startDistributed({ env, apps: ['audit'], scale: { audit: processes } });
  try {
    await pg.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < events.length; i += 1_000) {
      await producer.send({ topic: `${prefix}${Topic.RegistrationRequested}`, acks: -1, messages: events.slice(i, i + 1_000).map((e) => encodeEvent(e)) });
    }
    await producer.disconnect();
    const stored = async () => Number((await pg.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
    const deadline = Date.now() + DEADLINE_MS;
    let first = 0;
    while ((first = await stored()) === 0) {
      if (Date.now() > deadline) throw new Error(`audit ingest bench: nothing stored within ${DEADLINE_MS} ms`);
      await delay(5);
    }
    const start = performance.now();
    while ((await stored()) < events.length) {
      if (Date.now() > deadline) throw new Error(`audit ingest bench (${processes} processes): not done within ${DEADLINE_MS} ms`);
      await delay(20);
    }
    const ms = performance.now() - start;
    return { ms, events: events.length - first, rate: ((events.length - first) / ms) * 1000 };
  } finally {
    await stack.stop();
    await pg.end().catch(() => undefined);
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: plan.map((t) => t.topic) }).catch(() => undefined));
    await dropDatabase(databaseUrl);
  }
}

/** The reference: the same rows, multi-row INSERTs into a bare table (no unique check, chain or trigger). */
async function plainInsert(events: BenchEvent[]): Promise<{ batches: number[]; rate: number }> {
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_plain_${randomBytes(4).toString('hex')}` }).toString();
  await ensureDatabase(databaseUrl);
  const pg = new Client({ connectionString: databaseUrl });
  try {
    await pg.connect();
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
    return { batches, rate: (events.length / (performance.now() - plainStart)) * 1000 };
  } finally {
    await pg.end().catch(() => undefined);
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
