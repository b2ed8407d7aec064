/**
 * `npm run bench`: starts Admit as a user would (separate processes, loopback only) and measures it.
 * Prints one row per figure and writes the same figures to bench/results/latest.json.
 * Every request loop is bounded in count; nothing here runs forever.
 */
import { ensureTopics, topicPlan } from '@admit/bus';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../launcher/database';
import { ROOT, Stack, startDistributed, startEmbedded } from '../launcher/launcher';

const WARMUP = 30;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Figure {
  name: string;
  unit: string;
  samples: number;
  median: number;
  p50: number;
  p99: number;
  target?: string;
  ratio?: { to: string; value: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Sequential registrations, each with new metadata, timed from request to 201. */
async function sequentialRegistrations(url: string, label: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const body = JSON.stringify({ redirect_uris: ['https://bench.example/cb'], client_name: `${label} ${i} ${randomBytes(4).toString('hex')}` });
    const start = performance.now();
    const res = await fetch(`${url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    const elapsed = performance.now() - start;
    if (res.status !== 201) throw new Error(`registration ${i} answered ${res.status}`);
    if (i >= WARMUP) latencies.push(elapsed);
  }
  return latencies;
}

function latencyFigure(name: string, latencies: number[], target?: string): Figure {
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return { name, unit: 'ms', samples: sorted.length, median, p50: median, p99: percentile(sorted, 99), target };
}

async function withStack<T>(start: () => Promise<Stack>, run: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await start();
  try {
    return await run(stack);
  } finally {
    await stack.stop();
  }
}

async function distributed(): Promise<number[]> {
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-${suffix}.`;
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_${suffix}` }).toString();
  await ensureDatabase(databaseUrl);
  await ensureTopics(BROKERS.split(','), topicPlan(6, 1, prefix));
  try {
    const env = {
      KAFKA_BROKERS: BROKERS,
      DATABASE_URL: databaseUrl,
      ADMIT_KAFKA_TOPIC_PREFIX: prefix,
      ADMIT_KAFKA_GROUP_PREFIX: prefix,
      ADMIT_HTTP_PORT: '0',
      ADMIT_LOG_LEVEL: 'warn',
    };
    return await withStack(
      () => startDistributed({ env }),
      (stack) => sequentialRegistrations(stack.intakeUrl, 'distributed'),
    );
  } finally {
    await dropDatabase(databaseUrl);
  }
}

async function embedded(): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'admit-bench-'));
  try {
    return await withStack(
      () => startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0', ADMIT_LOG_LEVEL: 'warn' } }),
      (stack) => sequentialRegistrations(stack.intakeUrl, 'embedded'),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    String(f.samples),
    `${f.median.toFixed(2)} ${f.unit}`,
    `${f.p50.toFixed(2)} ${f.unit}`,
    `${f.p99.toFixed(2)} ${f.unit}`,
    f.ratio ? `${f.ratio.value.toFixed(2)}x ${f.ratio.to}` : '-',
    f.target ?? '-',
  ]);
  const header = ['figure', 'n', 'median', 'p50', 'p99', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  console.log(`admit bench: ${SAMPLES} sequential registrations per mode after ${WARMUP} warm-up (loopback only)`);
  const embeddedFigure = latencyFigure('registration, sequential end to end (embedded)', await embedded());
  const distributedFigure = latencyFigure('registration, sequential end to end (distributed)', await distributed());
  distributedFigure.ratio = { to: 'embedded p50', value: distributedFigure.p50 / embeddedFigure.p50 };
  const figures = [embeddedFigure, distributedFigure];
  print(figures);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), figures }, null, 2)}\n`);
  console.log(`\nwrote bench/results/latest.json`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
