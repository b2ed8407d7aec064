// Real: PostgreSQL with the daily partitions of audit_events and the owner's audit_partition_ensure /
// audit_partition_drop functions (the partitioned-store migration), events chained by the chain
// writer as the app role, the CLI run in this process as the owner role. Nothing stubbed.
// The two functions come with the partitioned audit store; until it is merged this suite fails at its
// first audit_partition_ensure call.
import { ArchiveReport, ChainWriter, CHECKPOINT_KEY_FILE_VAR, GENERATED_CHECKPOINT_KEY_FILE, MANIFEST_FILE, PARTITION_DROPPED, RETENTION_CHAIN, VerifyReport } from '@admit/audit';
import { newEvent, Topic } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { createDataSource } from '@admit/store';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { auditCli } from '../support/audit-cli';
import { asRole, createTestDatabase, TestDatabase, TEST_OWNER_ROLE } from '../support/database';

const D1 = '2026-11-01';
const D2 = '2026-11-02';
const at = (day: string, hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);

type Archived = { ok: boolean; days: { day: string; rows: number; manifest_sha256: string; dropped?: { partition: string; event_id: string } }[] };

describe('admit audit archive --drop-after-verify', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let pg: Client;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('archive_drop');
    ds = await createDataSource({ url: db.appUrl }).initialize();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    dir = mkdtempSync(join(tmpdir(), 'admit-audit-drop-'));
    const keys = await SigningKeys.load({ dataDir: dir, purpose: { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE } });
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(keys.publicJwks()));
    // As the audit service does ahead of time, the days' partitions, through the owner's function.
    for (const day of [D1, D2]) await ds.query(`SELECT audit_partition_ensure($1::date)`, [day]);
    const writer = new ChainWriter(ds);
    const times = [at(D1, 1), at(D1, 2), at(D2, 1), at(D2, 2), new Date()];
    for (const [offset, time] of times.entries()) {
      const event = newEvent(Topic.AdminActions, { actor: 'ops', action: 'revocation.created', target: `r-${offset}`, details: {}, at: time.toISOString() }, { source: 'revocation', now: time });
      await writer.append(Topic.AdminActions, 0, [{ event, offset: String(offset) }]);
    }
  });

  afterAll(async () => {
    await pg?.end();
    await ds?.destroy();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const key = () => join(dir, GENERATED_CHECKPOINT_KEY_FILE);
  const partitionExists = async (name: string) => (await pg.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [name])).rows[0].present as boolean;

  it('as the app role the drop is refused and nothing is dropped', async () => {
    const refused = await auditCli(['archive', '--before', '2026-11-03', '--out', join(dir, 'app'), '--database', db.appUrl, '--key', key(), '--drop-after-verify']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/permission denied/);
    expect(await partitionExists('audit_events_p20261101')).toBe(true);
    expect(Number((await pg.query(`SELECT count(*) AS n FROM audit_events WHERE topic = $1`, [RETENTION_CHAIN.topic])).rows[0].n)).toBe(0);
  });

  it('drops each verified day and records the drop as a chained event; the archives still join the live chain', async () => {
    const out = join(dir, 'owner');
    const run = await auditCli<Archived>(['archive', '--before', '2026-11-03', '--out', out, '--database', asRole(db.url, TEST_OWNER_ROLE), '--key', key(), '--drop-after-verify', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.report?.days.map((d) => [d.day, d.rows, d.dropped?.partition])).toEqual([
      [D1, 2, 'audit_events_p20261101'],
      [D2, 2, 'audit_events_p20261102'],
    ]);
    expect(await partitionExists('audit_events_p20261101')).toBe(false);
    expect(await partitionExists('audit_events_p20261102')).toBe(false);
    expect(Number((await pg.query(`SELECT count(*) AS n FROM audit_events WHERE event_time < $1`, [at('2026-11-03', 0)])).rows[0].n)).toBe(0);

    const { rows } = await pg.query(`SELECT event_id, type, data FROM audit_events WHERE topic = $1 ORDER BY seq`, [RETENTION_CHAIN.topic]);
    expect(rows.map((r) => [r.event_id, r.type, r.data.action, r.data.target, r.data.details.day, r.data.details.rows, r.data.details.manifest_sha256])).toEqual(
      [D1, D2].map((day, i) => [
        run.report?.days[i].dropped?.event_id,
        Topic.AdminActions,
        PARTITION_DROPPED,
        `audit_events_p${day.replace(/-/g, '')}`,
        day,
        2,
        createHash('sha256').update(readFileSync(join(out, `audit-${day}`, MANIFEST_FILE))).digest('hex'),
      ]),
    );
    const [head] = (await pg.query(`SELECT length::int AS length FROM audit_chain_heads WHERE topic = $1 AND partition = $2`, [RETENTION_CHAIN.topic, RETENTION_CHAIN.partition])).rows;
    expect(head.length).toBe(2);

    const archives = await auditCli<ArchiveReport>(['verify', '--archive', out, '--jwks', join(dir, 'jwks.json'), '--database', db.url, '--json']);
    expect(archives.report).toMatchObject({ ok: true, live_checked: true, problems: [] });
    // The live chains verify too: the dropped days' links are vouched for by the recorded drops and their archives.
    const live = await auditCli<VerifyReport>(['verify', '--database', db.url, '--json']);
    expect(live.report).toMatchObject({ ok: true, breaks: [] });
    expect(existsSync(join(out, `audit-${D1}`, 'events.jsonl.gz'))).toBe(true);
  });
});
