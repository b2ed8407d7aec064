import { kafkaConfig, loadConfig } from '@admit/platform';
import { databaseConfig } from '@admit/store';
import { Type } from '@sinclair/typebox';

/** The bench's knobs (tools/bench/README.md), read once with the apps' loader: a bad value stops the bench, naming it. */
export const BenchConfig = Type.Object({
  /** The broker and the PostgreSQL server (a superuser: the bench creates and drops its databases). */
  KAFKA_BROKERS: Type.Optional(kafkaConfig.KAFKA_BROKERS),
  DATABASE_URL: Type.Optional(databaseConfig.DATABASE_URL),
  BENCH_REGISTRATION_RATE: Type.Integer({ minimum: 1, default: 300 }),
  BENCH_REGISTRATION_COUNT: Type.Integer({ minimum: 1, default: 1_500 }),
  BENCH_REGISTRATION_MAX_COUNT: Type.Integer({ minimum: 1, default: 2_000 }),
  BENCH_ACCESS_CHECKS: Type.Integer({ minimum: 1, default: 5_000 }),
  /** Each of these clients is checked once: no check repeats another. */
  BENCH_ACCESS_DISTINCT_CLIENTS: Type.Integer({ minimum: 1, default: 5_000 }),
  BENCH_REVOCATIONS: Type.Integer({ minimum: 0, default: 40 }),
  BENCH_JTI_CHECKS: Type.Integer({ minimum: 1, default: 20_000 }),
  BENCH_AUDIT_EVENTS: Type.Integer({ minimum: 1, default: 20_000 }),
  BENCH_AUDIT_QUERY_EVENTS: Type.Integer({ minimum: 1, default: 1_000_000 }),
  BENCH_CAPACITY_EVENTS: Type.Integer({ minimum: 1, default: 200_000 }),
  /** 1: each serving process writes a CPU profile to bench/profiles. */
  BENCH_CPU_PROFILE: Type.Unsafe<'0' | '1'>({ type: 'string', enum: ['0', '1'], default: '0' }),
});

export const bench = loadConfig(BenchConfig);
/** The broker and server the bench uses, by default the local ones `npm run bench` starts. */
export const BENCH_BROKERS = bench.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const BENCH_SERVER_URL = bench.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_CPU_PROFILE = bench.BENCH_CPU_PROFILE === '1';
