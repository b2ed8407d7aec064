// Real: PostgreSQL (a database of its own per attack), the audit service as the apps run it (the
// batched ingest on the in-process bus, connected as the app role, checkpoints signed with its own
// key into the database and an external copy: a file, or a Kafka topic on the real broker), the CLI
// run in this process. Each attack is done as the database owner role would: triggers off,
// rows changed, triggers on. Nothing stubbed.
import {
  AuditModule,
  CHECKPOINT_KEYS,
  CHECKPOINT_TOPIC,
  Checkpointer,
  CheckpointProblem,
  fileCheckpointSink,
  kafkaCheckpointSink,
  linkHash,
  sqlCheckpointReader,
  sqlOf,
  STORED_EVENT_COLUMNS,
  StoredEvent,
  verifyCheckpoints,
} from '@admit/audit';
import type { JSONWebKeySet } from 'jose';
import { inProcessTransport, Publisher, publisherFor } from '@admit/bus';
import { Topic } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { AdminAuthModule, startService } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
// The CLI's verify runs in this process: 22 runs as processes of their own cost about 90 s of the suite.
import { auditCli, AuditCliRun } from '../support/audit-cli';
import { asRole, createTestDatabase, TestDatabase, TEST_OWNER_ROLE } from '../support/database';
import { KAFKA_BROKERS } from '../support/kafka';
import { eventually } from '../support/poll';

@Module({ providers: [publisherFor('revocation')], exports: [Publisher] })
class SeedModule {}

const SUBJECT = 'tamper-subject';
const APPEND_ONLY = ['audit_events', 'audit_chain_links', 'audit_checkpoints'];

type Verified = AuditCliRun<{ ok: boolean; breaks: unknown[]; checkpoints: { problems: { seq: string | null; code: string; description: string }[] } }>;

/** `admit audit verify …`, run in this process. */
const verify = (args: string[], env: Record<string, string> = {}): Promise<Verified> => auditCli(['verify', ...args], env);

/** The audit service on a database of its own, with its checkpoint key and external copy, and the owner role's connection. */
class AuditUnderAttack {
  db!: TestDatabase;
  app!: NestFastifyApplication;
  dir!: string;
  file!: string;
  jwks!: string;
  /** As the owner role: the attacker. */
  owner!: Client;
  published = 0;
  private sink: 'file' | { topicPrefix: string } = 'file';

  static async start(label: string, sink: 'file' | { topicPrefix: string } = 'file'): Promise<AuditUnderAttack> {
    const a = new AuditUnderAttack();
    a.sink = sink;
    a.db = await createTestDatabase(`tamper_${label}`);
    a.dir = mkdtempSync(join(tmpdir(), 'admit-audit-tamper-'));
    a.file = join(a.dir, 'audit-checkpoints.jsonl');
    await a.boot();
    a.jwks = join(a.dir, 'checkpoint-jwks.json');
    writeFileSync(a.jwks, JSON.stringify(a.app.get<SigningKeys>(CHECKPOINT_KEYS).publicJwks()));
    a.owner = new Client({ connectionString: asRole(a.db.url, TEST_OWNER_ROLE) });
    await a.owner.connect();
    return a;
  }

  private async boot(): Promise<void> {
    this.app = await startService({
      name: 'audit',
      imports: [
        StoreModule.forRoot({ url: this.db.appUrl }),
        AdminAuthModule.forRoot({}),
        AuditModule.forRoot({
          checkpointIntervalMs: 0,
          checkpointKey: { dataDir: this.dir },
          checkpointSink: this.sink === 'file' ? fileCheckpointSink(this.file) : kafkaCheckpointSink({ brokers: KAFKA_BROKERS, topicPrefix: this.sink.topicPrefix }),
        }),
        SeedModule,
      ],
      transport: inProcessTransport(),
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    });
  }

  /** A new process of the service on the same database, key and external copy. */
  async restart(): Promise<void> {
    await this.app.close();
    await this.boot();
  }

  /** Publishes `n` admin actions on one partition (one subject) and waits until they are stored. */
  async publish(n: number, action = 'revocation.created'): Promise<void> {
    for (let i = 0; i < n; i++) {
      await this.app.get(Publisher).publish(Topic.AdminActions, { actor: 'revoker', action, target: `r-${this.published + i}`, details: {}, at: new Date().toISOString() }, { subject: SUBJECT });
    }
    this.published += n;
    await eventually(`${this.published} stored events`, async () => ((await this.count('SELECT count(*) AS n FROM audit_events')) === this.published ? true : undefined));
  }

  checkpoint(now?: Date) {
    return this.app.get(Checkpointer).checkpoint(now);
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.owner.query(sql, params)).rows[0].n);
  }

  async chain(): Promise<{ topic: string; partition: number; length: number }> {
    const { rows } = await this.owner.query(`SELECT topic, partition, length::int AS length FROM audit_chain_heads WHERE length > 0`);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  /** As the owner: the append-only triggers off, `work`, the triggers on again, in one transaction. */
  async asOwner(work: (q: Client) => Promise<unknown>): Promise<void> {
    await this.owner.query('BEGIN');
    for (const table of APPEND_ONLY) await this.owner.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    await work(this.owner);
    for (const table of APPEND_ONLY) await this.owner.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    await this.owner.query('COMMIT');
  }

  /** The truncation: the chain's events after `keep` deleted with their links, the head reset, checkpoints after `keepCheckpoint` dropped. */
  truncate(keep: number, keepCheckpoint: string): Promise<void> {
    return this.asOwner(async (q) => {
      const { topic, partition } = await this.chain();
      await q.query(
        `WITH gone AS (DELETE FROM audit_chain_links WHERE topic = $1 AND partition = $2 AND position > $3 RETURNING event_seq)
         DELETE FROM audit_events WHERE seq IN (SELECT event_seq FROM gone)`,
        [topic, partition, keep],
      );
      await q.query(
        `UPDATE audit_chain_heads SET length = $3, hash = (SELECT hash FROM audit_chain_links WHERE topic = $1 AND partition = $2 AND position = $3) WHERE topic = $1 AND partition = $2`,
        [topic, partition, keep],
      );
      await q.query(`DELETE FROM audit_checkpoints WHERE seq > $1`, [keepCheckpoint]);
    });
  }

  async stop(): Promise<void> {
    await this.owner?.end();
    await this.app?.close();
    await this.db?.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const problems = (v: Verified) => v.report?.checkpoints.problems.map((p) => ({ seq: p.seq, code: p.code })) ?? [];

describe('tamper evidence against the database owner (file copy, embedded)', () => {
  let a: AuditUnderAttack;
  afterEach(() => a?.stop());

  it('truncation: the newest events removed, the head reset and the checkpoints dropped are found by the external copy', async () => {
    a = await AuditUnderAttack.start('truncate');
    await a.publish(3);
    const first = await a.checkpoint();
    await a.publish(2, 'revocation.created'); // the revocation the attacker wants gone
    const second = await a.checkpoint();
    expect([first?.seq, second?.seq]).toEqual(['1', '2']);
    const chain = await a.chain();
    expect(chain.length).toBe(5);

    await a.truncate(3, String(first?.seq));

    // The database alone is consistent again: every link, the head and the one checkpoint left agree.
    const dbOnly = await verify(['--database', a.db.url, '--jwks', a.jwks, '--json']);
    expect(dbOnly.report?.ok).toBe(true);
    const caught = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(caught.code).toBe(1);
    expect(caught.report?.ok).toBe(false);
    expect(problems(caught)).toEqual([
      { seq: '2', code: CheckpointProblem.Removed },
      { seq: '2', code: CheckpointProblem.Truncated },
    ]);
    const text = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`checkpoint 2: ERR_AUDIT_CHECKPOINT_REMOVED: checkpoint 2 of ${a.file} is not in the database: it was removed`);
    expect(text.stdout).toContain(
      `checkpoint 2: ERR_AUDIT_CHAIN_TRUNCATED: ${chain.topic}/${chain.partition} ends at length 3, but the latest checkpoint of ${a.file} (2) signed length 5: events were removed from its end`,
    );
  });

  it('rewrite: a row changed, every later link and the head recomputed and all checkpoints dropped is found by the external copy', async () => {
    a = await AuditUnderAttack.start('rewrite');
    await a.publish(2);
    await a.checkpoint();
    await a.publish(2);
    await a.checkpoint();
    const { topic, partition } = await a.chain();

    await a.asOwner(async (q) => {
      const { rows } = await q.query<StoredEvent & { position: string }>(
        `SELECT l.position::text AS position, ${STORED_EVENT_COLUMNS} FROM audit_chain_links l JOIN audit_events e ON e.seq = l.event_seq
         WHERE l.topic = $1 AND l.partition = $2 ORDER BY l.position`,
        [topic, partition],
      );
      // The revocation at position 2 now says it was lifted; the chain is made consistent again from there.
      rows[1].data = { ...(rows[1].data as object), action: 'revocation.lifted' };
      await q.query(`UPDATE audit_events SET data = $2 WHERE seq = $1`, [rows[1].seq, rows[1].data]);
      let prev = (await q.query(`SELECT hash FROM audit_chain_links WHERE topic = $1 AND partition = $2 AND position = 1`, [topic, partition])).rows[0].hash as string;
      for (const row of rows.slice(1)) {
        const hash = linkHash(prev, row);
        await q.query(`UPDATE audit_chain_links SET prev_hash = $4, hash = $5 WHERE topic = $1 AND partition = $2 AND position = $3`, [topic, partition, row.position, prev, hash]);
        prev = hash;
      }
      await q.query(`UPDATE audit_chain_heads SET hash = $3 WHERE topic = $1 AND partition = $2`, [topic, partition, prev]);
      await q.query(`DELETE FROM audit_checkpoints`);
    });

    const dbOnly = await verify(['--database', a.db.url, '--jwks', a.jwks, '--json']);
    expect(dbOnly.report?.ok).toBe(true);
    const caught = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file]);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toContain(`checkpoint 1: ERR_AUDIT_CHECKPOINT_REMOVED: checkpoint 1 of ${a.file} is not in the database: it was removed`);
    expect(caught.stdout).toContain(`checkpoint 2: ERR_AUDIT_CHECKPOINT_REMOVED: checkpoint 2 of ${a.file} is not in the database: it was removed`);
    expect(caught.stdout).toMatch(
      new RegExp(`checkpoint 2: ERR_AUDIT_CHAIN_REWRITTEN: ${topic.replace(/\./g, '\\.')}/${partition} at position 4: the latest checkpoint of .* \\(2\\) signed [0-9a-f]{64}, the chain has [0-9a-f]{64}: its links were recomputed after the checkpoint`),
    );
  });

  it('checkpoints dropped from the database and signed again: the external copy shows one out of sequence and one replaced', async () => {
    a = await AuditUnderAttack.start('resequence');
    for (let i = 0; i < 3; i++) {
      await a.publish(1);
      await a.checkpoint();
    }
    await a.asOwner((q) => q.query(`DELETE FROM audit_checkpoints WHERE seq = 3`));
    await a.publish(1);
    expect((await a.checkpoint())?.seq).toBe('3');
    const caught = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(caught.code).toBe(1);
    expect(problems(caught)).toEqual([
      { seq: '3', code: CheckpointProblem.Replaced },
      { seq: '3', code: CheckpointProblem.OutOfSequence },
    ]);
    expect(caught.report?.checkpoints.problems[1].description).toBe(`${a.file}: checkpoint 3 comes after checkpoint 3`);
  });

  it('a checkpoint missing from the external copy, or the copy out of order, is named', async () => {
    a = await AuditUnderAttack.start('missing');
    for (let i = 0; i < 3; i++) {
      await a.publish(1);
      await a.checkpoint();
    }
    const ok = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(ok.code).toBe(0);
    const lines = readFileSync(a.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);

    writeFileSync(a.file, `${lines[0]}\n${lines[2]}\n`);
    const gap = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(gap.code).toBe(1);
    expect(gap.report?.checkpoints.problems).toEqual([
      { seq: '3', code: CheckpointProblem.Missing, description: `${a.file}: checkpoint 2 is missing before checkpoint 3` },
      { seq: '2', code: CheckpointProblem.Missing, description: `1 checkpoint(s) of the database are missing from ${a.file}: 2` },
    ]);

    writeFileSync(a.file, `${lines[0]}\n${lines[2]}\n${lines[1]}\n`);
    const disorder = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(disorder.code).toBe(1);
    expect(problems(disorder)).toEqual([
      { seq: '3', code: CheckpointProblem.Missing },
      { seq: '2', code: CheckpointProblem.OutOfSequence },
    ]);
    expect(disorder.report?.checkpoints.problems[1].description).toBe(`${a.file}: checkpoint 2 comes after checkpoint 3`);

    // The newest not (yet) in the copy: the database has one the external copy never received.
    writeFileSync(a.file, `${lines[0]}\n${lines[1]}\n`);
    const behind = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(behind.report?.checkpoints.problems).toEqual([{ seq: '3', code: CheckpointProblem.Missing, description: `1 checkpoint(s) of the database are missing from ${a.file}: 3` }]);

    // Stored while the copy was being read (the service stores, then appends): read again, the copy holds it.
    const record = (line: string) => JSON.parse(line) as { seq: string; jws: string };
    const options = { jwks: JSON.parse(readFileSync(a.jwks, 'utf8')) as JSONWebKeySet, external: { source: a.file, checkpoints: [record(lines[0]), record(lines[1])] } };
    const reader = sqlCheckpointReader(sqlOf(a.owner));
    const reread = async () => lines.map(record);
    expect((await verifyCheckpoints(reader, { ...options, external: { ...options.external, reread } })).problems).toEqual([]);
    // Read again without it, it is missing.
    expect((await verifyCheckpoints(reader, { ...options, external: { ...options.external, reread: async () => options.external.checkpoints } })).problems).toEqual([
      { seq: '3', code: CheckpointProblem.Missing, description: `1 checkpoint(s) of the database are missing from ${a.file}: 3` },
    ]);
  });

  it('a checkpoint stored but never written out (a crash between the two) is written by the next process', async () => {
    a = await AuditUnderAttack.start('catchup');
    for (let i = 0; i < 2; i++) {
      await a.publish(1);
      await a.checkpoint();
    }
    const lines = readFileSync(a.file, 'utf8').trimEnd().split('\n');
    writeFileSync(a.file, `${lines[0]}\n`);
    const missing = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json']);
    expect(problems(missing)).toEqual([{ seq: '2', code: CheckpointProblem.Missing }]);
    await a.restart();
    await a.publish(1);
    expect((await a.checkpoint())?.seq).toBe('3');
    expect(readFileSync(a.file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual(['1', '2', '3']);
    expect((await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--json'])).report?.ok).toBe(true);
  });

  it('a chain head moved back by the app role (it may move heads) is named, though no row was removed', async () => {
    a = await AuditUnderAttack.start('headback');
    await a.publish(3);
    const { topic, partition } = await a.chain();
    const app = new Client({ connectionString: a.db.appUrl });
    await app.connect();
    try {
      await app.query(
        `UPDATE audit_chain_heads SET length = 1, hash = (SELECT hash FROM audit_chain_links WHERE topic = $1 AND partition = $2 AND position = 1) WHERE topic = $1 AND partition = $2`,
        [topic, partition],
      );
    } finally {
      await app.end();
    }
    const caught = await verify(['--database', a.db.url, '--json']);
    expect(caught.code).toBe(1);
    expect(caught.report?.breaks).toEqual([
      {
        topic,
        partition,
        position: 2,
        event_seq: null,
        event_id: null,
        reason: 'ERR_AUDIT_HEAD_MISMATCH',
        description: 'the recorded head is at length 1, but the chain has links up to position 3: the head was moved back',
      },
    ]);
  });

  it('stale: no checkpoint newer than --max-age fails, naming the newest and when it was signed', async () => {
    a = await AuditUnderAttack.start('stale');
    const none = await verify(['--database', a.db.url, '--jwks', a.jwks, '--max-age', '3600', '--json']);
    expect(none.code).toBe(1);
    expect(none.report?.checkpoints.problems).toEqual([{ seq: null, code: CheckpointProblem.Stale, description: 'no signed checkpoint at all; one is required within 3600 s' }]);
    await a.publish(1);
    const signedAt = new Date(Date.now() - 2 * 3600_000);
    await a.checkpoint(signedAt);
    const stale = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--max-age', '3600', '--json']);
    expect(stale.code).toBe(1);
    expect(stale.report?.checkpoints.problems).toEqual([
      { seq: '1', code: CheckpointProblem.Stale, description: `the newest checkpoint (1) was signed at ${new Date(Math.floor(signedAt.getTime() / 1000) * 1000).toISOString()}, more than 3600 s ago` },
    ]);
    await a.publish(1);
    await a.checkpoint();
    expect((await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file, '--max-age', '3600', '--json'])).code).toBe(0);
  });

  it('refuses --checkpoints without --jwks, and a hostile external copy gets a precise error, not a crash', async () => {
    a = await AuditUnderAttack.start('usage');
    const noKeys = await verify(['--database', a.db.url, '--checkpoints', a.file]);
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toContain('--checkpoints needs --jwks');
    writeFileSync(a.file, '{"seq":"1","jws":"x"}\nnot json\n');
    const bad = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', a.file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`admit: --checkpoints: ${a.file}:2: not JSON`);
  });
});

describe('tamper evidence against the database owner (Kafka copy, distributed)', () => {
  let a: AuditUnderAttack;
  const topicPrefix = `test-tamper-${randomBytes(4).toString('hex')}.`;
  const topic = `${topicPrefix}${CHECKPOINT_TOPIC}`;
  afterAll(async () => {
    await a?.stop();
    const admin = new Kafka({ clientId: 'admit-tests', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes every checkpoint on its topic, and verify --checkpoints <topic> finds the truncation', async () => {
    a = await AuditUnderAttack.start('kafka', { topicPrefix });
    await a.publish(2);
    await a.checkpoint();
    await a.publish(2);
    await a.checkpoint();
    const env = { KAFKA_BROKERS: KAFKA_BROKERS.join(',') };
    const ok = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', topic, '--json'], env);
    expect(ok.code).toBe(0);
    expect(ok.report).toMatchObject({ ok: true, checkpoints: { external: { source: `Kafka topic ${topic}`, count: 2, latest_seq: '2' } } });
    // A new process finds the topic's last checkpoint and writes nothing twice.
    await a.restart();
    await a.publish(1);
    await a.checkpoint();
    const three = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', topic, '--json'], env);
    expect(three.report).toMatchObject({ ok: true, checkpoints: { external: { count: 3, latest_seq: '3' } } });

    await a.truncate(2, '1');
    const caught = await verify(['--database', a.db.url, '--jwks', a.jwks, '--checkpoints', topic, '--json'], env);
    expect(caught.code).toBe(1);
    expect(problems(caught)).toEqual([
      { seq: '2', code: CheckpointProblem.Removed },
      { seq: '3', code: CheckpointProblem.Removed },
      { seq: '3', code: CheckpointProblem.Truncated },
    ]);
  });
});
