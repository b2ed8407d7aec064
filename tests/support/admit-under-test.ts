import { Stack, startDistributed, startEmbedded } from '@admit/launcher';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from './database';
import { createTestTopics, KAFKA_BROKERS } from './kafka';
import { queryEmbeddedStore } from './pglite';
import { eventually } from './poll';

export type Mode = 'distributed' | 'embedded';
export const MODES: Mode[] = ['distributed', 'embedded'];

/** Admit started as a user starts it, in one mode, with a store of its own. */
export interface AdmitUnderTest {
  stack: Stack;
  /**
   * Rows of a query on the audit store, once `ready` accepts them. Distributed: polls PostgreSQL.
   * Embedded: stops Admit first (PGlite belongs to one process; a graceful stop drains the bus),
   * then reads once; so it comes last in a suite.
   */
  audit<T>(sql: string, params: unknown[], ready: (rows: T[]) => boolean): Promise<T[]>;
  close(): Promise<void>;
}

export async function startAdmit(mode: Mode, env: Record<string, string> = {}): Promise<AdmitUnderTest> {
  return mode === 'distributed' ? distributed(env) : embedded(env);
}

async function distributed(env: Record<string, string>): Promise<AdmitUnderTest> {
  const [db, topics] = await Promise.all([createTestDatabase('e2e'), createTestTopics('e2e')]);
  const stack = await startDistributed({
    env: {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: db.appUrl,
      ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
      ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
      ADMIT_HTTP_PORT: '0',
      ...env,
    },
  });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    stack,
    audit: (sql, params, ready) =>
      eventually(`audit rows for ${JSON.stringify(params)}`, async () => {
        const { rows } = await pg.query(sql, params);
        return ready(rows) ? rows : undefined;
      }),
    close: async () => {
      await stack.stop();
      await pg.end();
      await Promise.all([db.drop(), topics.drop()]);
    },
  };
}

async function embedded(env: Record<string, string>): Promise<AdmitUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'admit-e2e-'));
  const stack = await startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0', ...env } });
  return {
    stack,
    audit: async (sql, params) => {
      await stack.stop();
      return queryEmbeddedStore(dataDir, sql, params);
    },
    close: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
