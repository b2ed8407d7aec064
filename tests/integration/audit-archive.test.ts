// Real: PostgreSQL (a database of its own), events chained by the audit service's chain writer as
// the app role, the checkpoint key generated as the embedded service generates it, the CLI run in
// this process. Archives are verified with no database, then against the live chain; each tamper is
// done to a copy of the archive on disk.
import { ArchiveProblem, ArchiveReport, BreakReason, ChainWriter, CHECKPOINT_KEY_FILE_VAR, GENERATED_CHECKPOINT_KEY_FILE, MANIFEST_FILE, SIGNATURE_FILE } from '@admit/audit';
import { newEvent, Topic } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { createDataSource } from '@admit/store';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { auditCli } from '../support/audit-cli';
import { createTestDatabase, TestDatabase } from '../support/database';

const KEY_PURPOSE = { fileVar: CHECKPOINT_KEY_FILE_VAR, generatedFile: GENERATED_CHECKPOINT_KEY_FILE };
const D1 = '2026-11-01';
const D2 = '2026-11-02';
const D3 = '2026-11-03';
const at = (day: string, hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);

type Archived = { ok: boolean; days: { day: string; dir: string; rows: number }[] };
const codes = (r?: ArchiveReport) => [...new Set(r?.problems.map((p) => p.code))].sort();

describe('admit audit archive and verify --archive', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  let ds: DataSource;
  let dir: string;
  let keyFile: string;
  let jwks: string;
  let out: string;
  const offsets = new Map<number, number>();

  /** Events on one Kafka partition of the admin actions topic, chained in the order given, as ingest would. */
  async function ingest(partition: number, times: Date[]): Promise<void> {
    const writer = new ChainWriter(ds);
    for (const time of times) {
      const offset = offsets.get(partition) ?? 0;
      offsets.set(partition, offset + 1);
      const event = newEvent(Topic.AdminActions, { actor: 'ops', action: 'revocation.created', target: `r-${partition}-${offset}`, details: {}, at: time.toISOString() }, { source: 'revocation', now: time });
      await writer.append(Topic.AdminActions, partition, [{ event, offset: String(offset) }]);
    }
  }

  const verifyArchive = (path: string, ...more: string[]) => auditCli<ArchiveReport>(['verify', '--archive', path, '--jwks', jwks, '--json', ...more]);

  /** A copy of the archives, for one tamper. */
  function copy(): string {
    const to = mkdtempSync(join(dir, 'copy-'));
    cpSync(out, to, { recursive: true });
    return to;
  }

  beforeAll(async () => {
    db = await createTestDatabase('archive');
    other = await createTestDatabase('archive_other');
    ds = await createDataSource({ url: db.appUrl }).initialize();
    dir = mkdtempSync(join(tmpdir(), 'admit-audit-archive-'));
    const keys = await SigningKeys.load({ dataDir: dir, purpose: KEY_PURPOSE });
    keyFile = join(dir, GENERATED_CHECKPOINT_KEY_FILE);
    jwks = join(dir, 'checkpoint-jwks.json');
    writeFileSync(jwks, JSON.stringify(keys.publicJwks()));
    out = join(dir, 'archives');
    // Partition 0: three events of D1, three of D2, then one of D1 published late (chained after D2's),
    // two of D3 and one of today. Partition 1: two of D1, two of D2, one of D3.
    await ingest(0, [at(D1, 1), at(D1, 2), at(D1, 3), at(D2, 1), at(D2, 2), at(D2, 3), at(D1, 23), at(D3, 1), at(D3, 2), new Date()]);
    await ingest(1, [at(D1, 5), at(D1, 6), at(D2, 5), at(D2, 6), at(D3, 5)]);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    await other?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('archives each closed day before --before, signed, and verifies them offline', async () => {
    const archived = await auditCli<Archived>(['archive', '--before', D3, '--out', out, '--database', db.url, '--key', keyFile, '--json']);
    expect(archived.stderr).toBe('');
    expect(archived.code).toBe(0);
    expect(archived.report?.days.map((d) => [d.day, d.rows])).toEqual([
      [D1, 6],
      [D2, 5],
    ]);
    const manifest = JSON.parse(readFileSync(join(out, `audit-${D1}`, MANIFEST_FILE), 'utf8'));
    // D1's links of partition 0 come in two runs: the late event was chained after D2's three.
    expect(manifest.chains.map((c: { partition: number; start: { length: number }; end: { length: number } }) => [c.partition, c.start.length, c.end.length])).toEqual([
      [0, 0, 3],
      [0, 6, 7],
      [1, 0, 2],
    ]);
    expect(manifest.files).toEqual([expect.objectContaining({ name: 'events.jsonl.gz', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);

    const verified = await verifyArchive(out);
    expect(verified.code).toBe(0);
    expect(verified.report).toMatchObject({ ok: true, live_checked: false, problems: [] });
    expect(verified.report?.archives.map((a) => [a.day, a.rows, a.links_checked])).toEqual([
      [D1, 6, 6],
      [D2, 5, 5],
    ]);
    expect(verified.report?.chains.map((c) => [c.partition, c.from_length, c.to_length])).toEqual([
      [0, 0, 7],
      [1, 0, 4],
    ]);

    const again = await auditCli(['archive', '--before', D3, '--out', out, '--database', db.url, '--key', keyFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/audit-2026-11-01 exists; add --force/);
    expect((await auditCli(['archive', '--before', D3, '--out', out, '--database', db.url, '--key', keyFile, '--force'])).code).toBe(0);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await auditCli(['archive', '--before', '2026-11-31', '--out', out, '--database', db.url, '--key', keyFile])).code).toBe(2);
    expect((await auditCli(['archive', '--before', D3, '--out', out, '--database', db.url])).code).toBe(2);
    expect((await auditCli(['verify', '--archive', out])).code).toBe(2);
  });

  it('continuity: the archives join each other and the live chain; a gap is found offline and filled by the database', async () => {
    const live = await verifyArchive(out, '--database', db.url);
    expect(live.code).toBe(0);
    expect(live.report).toMatchObject({ ok: true, live_checked: true, problems: [] });

    // D1 alone: partition 0's positions 4..6 are D2's.
    const alone = await verifyArchive(join(out, `audit-${D1}`));
    expect(alone.code).toBe(1);
    expect(codes(alone.report)).toEqual([ArchiveProblem.Gap]);
    expect(alone.report?.problems[0].description).toMatch(/admit\.admin\.actions\.v1\/0: positions 4\.\.6/);
    expect((await verifyArchive(join(out, `audit-${D1}`), '--database', db.url)).code).toBe(0);

    // Against a database whose chains are not these.
    const elsewhere = await verifyArchive(out, '--database', other.url);
    expect(elsewhere.code).toBe(1);
    expect(codes(elsewhere.report)).toEqual([ArchiveProblem.LiveMismatch]);

    // D2 re-signed with the right key but claiming to start from another head than D1 ended at.
    const forged = copy();
    const d2 = join(forged, `audit-${D2}`);
    const manifest = JSON.parse(readFileSync(join(d2, MANIFEST_FILE), 'utf8'));
    manifest.chains[0].start.hash = 'f'.repeat(64);
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(d2, MANIFEST_FILE), bytes);
    const keys = await SigningKeys.load({ file: keyFile, purpose: KEY_PURPOSE });
    writeFileSync(join(d2, SIGNATURE_FILE), await keys.signBytes(bytes, 'audit-archive+json'));
    const broken = await verifyArchive(forged);
    expect(broken.code).toBe(1);
    expect(codes(broken.report)).toEqual([ArchiveProblem.Discontinuous, ArchiveProblem.Heads]);
  });

  it('a changed JSONL line is caught: the file hash and the link', async () => {
    const tampered = copy();
    const file = join(tampered, `audit-${D2}`, 'events.jsonl.gz');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    lines[1] = lines[1].replace('"action":"revocation.created"', '"action":"revocation.lifted"');
    writeFileSync(file, gzipSync(lines.join('\n')));
    const caught = await verifyArchive(tampered);
    expect(caught.code).toBe(1);
    expect(codes(caught.report)).toEqual([ArchiveProblem.FileHash, BreakReason.HashMismatch]);
    expect(caught.report?.problems.find((p) => p.code === BreakReason.HashMismatch)?.description).toMatch(/line 2 \(admit\.admin\.actions\.v1\/0 position 5/);
  });

  it('a removed JSONL line is caught: the file hash, the count and the signed heads', async () => {
    const tampered = copy();
    const file = join(tampered, `audit-${D2}`, 'events.jsonl.gz');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    // D2's last line: partition 1's last link of the day.
    writeFileSync(file, gzipSync([...lines.slice(0, -2), ''].join('\n')));
    const caught = await verifyArchive(tampered);
    expect(caught.code).toBe(1);
    expect(codes(caught.report)).toEqual([ArchiveProblem.Count, ArchiveProblem.FileHash, ArchiveProblem.Heads]);
  });

  it('a changed manifest is caught', async () => {
    const tampered = copy();
    const file = join(tampered, `audit-${D1}`, MANIFEST_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"rows": 6', '"rows": 5'));
    const caught = await verifyArchive(tampered);
    expect(caught.code).toBe(1);
    expect(codes(caught.report)).toEqual([ArchiveProblem.ManifestAltered]);
  });

  it('a signature by another key, or a broken one, is caught', async () => {
    const tampered = copy();
    const d1 = join(tampered, `audit-${D1}`);
    const stranger = await SigningKeys.load({ dataDir: mkdtempSync(join(dir, 'stranger-')), purpose: KEY_PURPOSE });
    writeFileSync(join(d1, SIGNATURE_FILE), await stranger.signBytes(readFileSync(join(d1, MANIFEST_FILE)), 'audit-archive+json'));
    const d2 = join(tampered, `audit-${D2}`);
    const jws = readFileSync(join(d2, SIGNATURE_FILE), 'utf8').trim();
    writeFileSync(join(d2, SIGNATURE_FILE), `${jws.slice(0, -4)}${jws.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`);
    const caught = await verifyArchive(tampered);
    expect(caught.code).toBe(1);
    expect(caught.report?.problems.map((p) => p.code)).toEqual([ArchiveProblem.Signature, ArchiveProblem.Signature]);
  });

  it('a missing file is caught', async () => {
    const tampered = copy();
    rmSync(join(tampered, `audit-${D2}`, 'events.jsonl.gz'));
    rmSync(join(tampered, `audit-${D1}`, MANIFEST_FILE));
    const caught = await verifyArchive(tampered);
    expect(caught.code).toBe(1);
    expect(caught.report?.problems.map((p) => [p.code, p.description.replace(tampered, '')])).toEqual([
      [ArchiveProblem.FileMissing, `/audit-${D1}: ${MANIFEST_FILE} is missing`],
      [ArchiveProblem.FileMissing, `/audit-${D2}: events.jsonl.gz is missing`],
    ]);
    expect(existsSync(join(out, `audit-${D2}`, 'events.jsonl.gz'))).toBe(true);
  });
});
