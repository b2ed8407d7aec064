import { Stack, startDistributed, startEmbedded } from '@admit/launcher';
import { AdminScope, adminTokenEntryYaml, hashAdminToken, newAdminToken } from '@admit/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './database';
import { embeddedDataDir } from './embedded-store';
import { createTestTopics, KAFKA_BROKERS } from './kafka';
import { recordEvents, recordingBehaviour } from './behaviour-record';
import { eventually } from './poll';

export type Mode = 'distributed' | 'embedded';
export const MODES: Mode[] = ['distributed', 'embedded'];

/** A stored event as `GET /audit/events` shows it (the fields the suites read). */
export interface AuditEvent {
  id: string;
  type: string;
  subject?: string;
  data: Record<string, unknown>;
  /** Where it was stored from: the Kafka topic (with the run's prefix), partition and offset. */
  topic: string;
  partition: number;
  offset: string;
}

/** Filters of `GET /audit/events` (docs/audit.md). */
export interface AuditFilters {
  client_id: string;
  type?: string;
}

/** Admit started as a user starts it, in one mode, with a store of its own. */
export interface AdmitUnderTest {
  stack: Stack;
  /** An admin token of this run's own, with audit:read and the scopes `startAdmit` was given. */
  adminToken: string;
  /** The prefix of this run's Kafka topics (distributed); undefined in embedded mode. */
  topicPrefix?: string;
  /** The store's PostgreSQL database, as the superuser connects (distributed); undefined in embedded mode. */
  databaseUrl?: string;
  /**
   * The stored events that match `filters`, once `ready` accepts them, read through the audit API
   * as an auditor reads them, in both modes, while Admit keeps running. Never through the store's
   * files: an embedded store belongs to the one process that runs it.
   */
  auditEvents(filters: AuditFilters, ready: (events: AuditEvent[]) => boolean): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

export async function startAdmit(mode: Mode, env: Record<string, string> = {}, scopes: AdminScope[] = []): Promise<AdmitUnderTest> {
  // A token of this run's own with audit:read; the tokens file holds only its hash.
  const dir = mkdtempSync(join(tmpdir(), 'admit-e2e-'));
  const token = newAdminToken();
  const tokensFile = join(dir, 'admin-tokens.yaml');
  writeFileSync(tokensFile, ['tokens:', adminTokenEntryYaml({ name: 'e2e-auditor', sha256: hashAdminToken(token), scopes: [...new Set([AdminScope.AuditRead, ...scopes])] })].join('\n'));
  const withTokens = { ADMIT_ADMIN_TOKENS_FILE: tokensFile, ...env };
  try {
    const started = mode === 'distributed' ? await distributed(withTokens) : await embedded(dir, withTokens);
    return {
      stack: started.stack,
      adminToken: token,
      topicPrefix: started.topicPrefix,
      databaseUrl: started.databaseUrl,
      auditEvents: (filters, ready) => readAudit(started.auditUrl, token, filters, ready),
      close: async () => {
        if (recordingBehaviour) await recordStoredEvents(started.auditUrl, token);
        const codes = await started.close();
        rmSync(dir, { recursive: true, force: true });
        // Every app drains and exits 0 on SIGTERM; one that died on its own (a crash) shows here.
        const failed = Object.entries(codes).filter(([, code]) => code !== 0);
        if (failed.length > 0) throw new Error(`apps did not exit 0 when stopped: ${failed.map(([name, code]) => `${name} ${code}`).join(', ')}`);
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

interface Started {
  stack: Stack;
  auditUrl: string;
  topicPrefix?: string;
  databaseUrl?: string;
  /** Stops every app; resolves with each one's exit code, by name. */
  close(): Promise<Record<string, number | null>>;
}

async function distributed(env: Record<string, string>): Promise<Started> {
  const [madeDb, madeTopics] = await Promise.allSettled([createTestDatabase('e2e'), createTestTopics('e2e')]);
  if (madeDb.status === 'rejected' || madeTopics.status === 'rejected') {
    // Whichever was made is removed again: a failed start leaves nothing on the shared servers.
    await Promise.all([madeDb.status === 'fulfilled' && madeDb.value.drop(), madeTopics.status === 'fulfilled' && madeTopics.value.drop()]);
    throw madeDb.status === 'rejected' ? madeDb.reason : (madeTopics as PromiseRejectedResult).reason;
  }
  const [db, topics] = [madeDb.value, madeTopics.value];
  const stack = await startDistributed({
    env: {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: db.appUrl,
      ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
      ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
      ADMIT_HTTP_PORT: '0',
      ...env,
    },
  }).catch(async (err: unknown) => {
    await Promise.all([db.drop(), topics.drop()]);
    throw err;
  });
  const audit = stack.apps.find((app) => app.name === 'audit');
  return {
    stack,
    auditUrl: audit?.url ?? '',
    topicPrefix: topics.prefix,
    databaseUrl: db.url,
    close: async () => {
      const codes = await stack.stop();
      await Promise.all([db.drop(), topics.drop()]);
      return codes;
    },
  };
}

async function embedded(dir: string, env: Record<string, string>): Promise<Started> {
  const stack = await startEmbedded({ env: { ADMIT_DATA_DIR: embeddedDataDir(join(dir, 'data')), ADMIT_HTTP_PORT: '0', ...env } });
  return { stack, auditUrl: stack.intakeUrl, close: () => stack.stop() };
}

/** For the behaviour record: every event stored so far; a stack that no longer answers records none. */
async function recordStoredEvents(url: string, token: string): Promise<void> {
  const events = await readAudit(url, token, {}, () => true).catch(() => []);
  recordEvents(events);
}

/** Polls the audit API (every page) until `ready` accepts what it holds. */
function readAudit(url: string, token: string, filters: Partial<AuditFilters>, ready: (events: AuditEvent[]) => boolean): Promise<AuditEvent[]> {
  return eventually(`audit events ${JSON.stringify(filters)}`, async () => {
    const events: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ ...(filters as Record<string, string>), limit: '1000', ...(cursor ? { cursor } : {}) });
      const res = await fetch(`${url}/audit/events?${query}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET /audit/events answered ${res.status}: ${await res.text()}`);
      const page = (await res.json()) as { events: AuditEvent[]; next_cursor: string | null };
      events.push(...page.events);
      cursor = page.next_cursor;
    } while (cursor);
    return ready(events) ? events : undefined;
  });
}
