import { ensureTopics, topicPlan, withAdmin } from '@admit/bus';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedOptions, dropDatabase, ensureDatabase, selfAssertedPolicyDir, Stack, StartOptions, startDistributed, startEmbedded } from '@admit/launcher';
import { MemoryProbe, MemoryReading, probeEnv } from './memory';
import { BENCH_BROKERS as BROKERS, BENCH_SERVER_URL as SERVER_URL } from './bench-config';


export type Mode = 'embedded' | 'distributed';

/**
 * Intake's rate limits, set to their documented defaults so the figures are taken under them: no
 * row comes near them (the busiest single client, the CIMD row's one document host, stays under
 * 5,000/s), so nothing is throttled. Source addresses are not counted, as by default.
 */
const RATE_LIMITS = { ADMIT_RATE_LIMIT_WINDOW_S: '1', ADMIT_RATE_LIMIT_PER_CLIENT: '5000', ADMIT_RATE_LIMIT_GLOBAL: '20000', ADMIT_RATE_LIMIT_PER_SOURCE: '0' };

/** A running Admit whose serving processes report their memory (see memory-probe.js). */
export interface BenchStack extends Stack {
  /** After GC, summed over every Admit process (PostgreSQL and Kafka are not counted). */
  memory(): Promise<MemoryReading>;
  /** Distributed: the prefix of this stack's own Kafka topics. */
  topicPrefix?: string;
}

/**
 * Runs `measure` against a fresh Admit in `mode` (own data dir, or own topics and database), then
 * cleans up. Admit runs the default policies plus the development example that admits
 * self-asserted metadata: the figures register plain metadata, which the defaults deny.
 */
export async function withAdmit<T>(
  mode: Mode,
  env: Record<string, string>,
  measure: (stack: BenchStack) => Promise<T>,
  scale: DistributedOptions['scale'] = {},
): Promise<T> {
  const policies = selfAssertedPolicyDir();
  try {
    return await withFreshAdmit(mode, { ADMIT_POLICY_DIR: policies.dir, ...env }, measure, scale);
  } finally {
    policies.remove();
  }
}

async function withFreshAdmit<T>(mode: Mode, env: Record<string, string>, measure: (stack: BenchStack) => Promise<T>, scale: DistributedOptions['scale']): Promise<T> {
  const base = { ...RATE_LIMITS, ...env, ...probeEnv(), ADMIT_HTTP_PORT: '0', ADMIT_LOG_LEVEL: 'warn' };
  const probe = new MemoryProbe();
  const options = (env: Record<string, string>): StartOptions => ({ env, onLine: probe.onLine });
  const measureWithMemory = (stack: Stack, topicPrefix?: string) =>
    measure({ ...stack, topicPrefix, memory: () => probe.read(stack.apps.map((a) => ({ name: a.name, child: a.child }))) });
  if (mode === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'admit-bench-'));
    try {
      return await run(() => startEmbedded(options({ ...base, ADMIT_DATA_DIR: dataDir })), measureWithMemory);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-${suffix}.`;
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_${suffix}` }).toString();
  await ensureDatabase(databaseUrl);
  const plan = topicPlan(6, 1, prefix);
  await ensureTopics(BROKERS.split(','), plan);
  try {
    const distributedEnv = { ...base, KAFKA_BROKERS: BROKERS, DATABASE_URL: databaseUrl, ADMIT_KAFKA_TOPIC_PREFIX: prefix, ADMIT_KAFKA_GROUP_PREFIX: prefix };
    return await run(() => startDistributed({ ...options(distributedEnv), scale }), (stack) => measureWithMemory(stack, prefix));
  } finally {
    await dropDatabase(databaseUrl);
    await deleteTopics(plan.map((t) => t.topic));
  }
}

async function deleteTopics(topics: string[]): Promise<void> {
  await withAdmin(new Kafka({ clientId: 'admit-bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING }), (admin) => admin.deleteTopics({ topics }).catch(() => undefined));
}

async function run<T>(start: () => Promise<Stack>, measure: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await start();
  try {
    return await measure(stack);
  } finally {
    await stack.stop();
  }
}

export async function postJson(url: string, body: unknown, expected: number): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  if (res.status !== expected) throw new Error(`POST ${url} answered ${res.status}, expected ${expected}`);
}
