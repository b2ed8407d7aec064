// Real: the Kafka broker, PostgreSQL (a database of its own), the audit service as the audit app runs
// it (HTTP + bus), admin tokens from a tokens file, the signing key (generated in a temporary
// folder). The seeded events go over the bus like any other. Nothing stubbed.
import { AuditModule, CHECKPOINT_KEYS, Checkpointer, CheckpointProblem } from '@admit/audit';
import { kafkaTransport, Publisher, publisherFor } from '@admit/bus';
import { CloudEvent, EventData, Topic } from '@admit/contracts';
import { KeysModule, SigningKeys as KeysModuleKeys } from '@admit/keys';
import { AdminAuthModule, hashAdminToken, startService } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const AUDITOR = 'admit_auditor-token-for-tests-only';
const REVOKER = 'admit_revoker-token-for-tests-only';
const POLICY_A = `sha256:${'a'.repeat(64)}`;
const POLICY_B = `sha256:${'b'.repeat(64)}`;
const JKT_1 = 'x'.repeat(43);
const JKT_2 = 'y'.repeat(43);
const run = randomUUID().slice(0, 8);
const ANCHOR = `anchor-${run}`;
const OTHER_ANCHOR = `other-anchor-${run}`;
const ORIGIN = `https://docs-${run}.example`;

/** `admit audit …` as a user runs it. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return admit(['audit', ...args], env);
}

/** `admit …` as a user runs it: a process of its own (tsx resolves the path aliases). */
async function admit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = "require('./tools/cli/src/program').runCli(process.argv.slice(1), { out: process.stdout, err: process.stderr }).then((c) => process.exit(c))";
  try {
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['-e', script, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

@Module({ providers: [publisherFor('revocation')], exports: [Publisher] })
class SeedModule {}

describe('audit query API', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let dir: string;
  let app: NestFastifyApplication;
  let url: string;
  let pg: Client;
  const seeded: CloudEvent[] = [];
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);

  const get = async (path: string, token: string = AUDITOR) => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies of several shapes
  };

  async function seed<T extends Topic>(topic: T, data: EventData<T>, minutes: number, subject?: string): Promise<CloudEvent<T>> {
    const event = await app.get(Publisher).publish(topic, data, { subject, now: at(minutes) });
    seeded.push(event);
    return event;
  }

  const decided = (client_id: string, decision: 'allow' | 'deny', policy: string, admission?: { anchor?: string; origin?: string; jkts?: string[]; software_id?: string }) =>
    ({
      client_id,
      decision,
      policy_version: policy,
      determining_policies: [],
      reasons: decision === 'deny' ? [{ code: 'denied_by_test', description: 'seeded' }] : [],
      ...(admission
        ? {
            admission: {
              source: admission.anchor ? 'software_statement' : 'cimd',
              ...(admission.anchor ? { anchor: admission.anchor } : {}),
              ...(admission.software_id ? { software_id: admission.software_id } : {}),
              ...(admission.origin ? { origin: admission.origin } : {}),
              jkts: admission.jkts ?? [],
              evidence_sha256: 'e'.repeat(64),
              validated_at: at(0).toISOString(),
              expires_at: at(600).toISOString(),
              flags: [],
            },
          }
        : {}),
      decided_at: at(0).toISOString(),
    }) as EventData<typeof Topic.RegistrationDecided>;

  const ids = (events: { id: string }[]) => events.map((e) => e.id);

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase('audit_api'), createTestTopics('audit-api')]);
    dir = mkdtempSync(join(tmpdir(), 'admit-audit-api-'));
    const tokensFile = join(dir, 'tokens.yaml');
    writeFileSync(
      tokensFile,
      `tokens:\n  - name: auditor\n    sha256: ${hashAdminToken(AUDITOR)}\n    scopes: [audit:read]\n  - name: revoker\n    sha256: ${hashAdminToken(REVOKER)}\n    scopes: [revocations:write, revocations:read]\n`,
    );
    app = await startService({
      name: 'audit',
      imports: [
        StoreModule.forRoot({ url: db.appUrl }),
        AdminAuthModule.forRoot({ tokensFile }),
        KeysModule.forRoot({ dataDir: dir }),
        AuditModule.forRoot({ checkpointIntervalMs: 0, checkpointKey: { dataDir: dir } }),
        SeedModule,
      ],
      transport: kafkaTransport({ brokers: KAFKA_BROKERS, clientId: 'admit-audit-api-test', groupPrefix: topics.prefix, topicPrefix: topics.prefix }),
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    // c1: admitted under ANCHOR with JKT_1 at minute 10 and 50, access-checked, then revoked by client id.
    // c2: admitted under ANCHOR at minute 20 (policy B); its anchor revoked, then lifted.
    // c3: a CIMD client of ORIGIN with JKT_2, admitted at minute 30; c4: denied at 40; c5: under OTHER_ANCHOR at 45.
    await seed(Topic.RegistrationDecided, decided(`c1-${run}`, 'allow', POLICY_A, { anchor: ANCHOR, software_id: `sw-${run}`, jkts: [JKT_1] }), 10, `c1-${run}`);
    await seed(Topic.RegistrationDecided, decided(`c2-${run}`, 'allow', POLICY_B, { anchor: ANCHOR }), 20, `c2-${run}`);
    await seed(Topic.RegistrationDecided, decided(`c3-${run}`, 'allow', POLICY_A, { origin: ORIGIN, jkts: [JKT_2] }), 30, `c3-${run}`);
    await seed(Topic.RegistrationDecided, decided(`c4-${run}`, 'deny', POLICY_A), 40, `c4-${run}`);
    await seed(Topic.RegistrationDecided, decided(`c5-${run}`, 'allow', POLICY_A, { anchor: OTHER_ANCHOR }), 45, `c5-${run}`);
    await seed(Topic.RegistrationDecided, decided(`c1-${run}`, 'allow', POLICY_A, { anchor: ANCHOR, software_id: `sw-${run}`, jkts: [JKT_1] }), 50, `c1-${run}`);
    await seed(
      Topic.AccessChecked,
      { check_id: 'k1', client_id: `c1-${run}`, action: 'payments:write', decision: 'allow', reasons: [], policy_version: POLICY_A, path: 'local', checked_at: at(55).toISOString() },
      55,
      `c1-${run}`,
    );
    const revokeClient = { id: randomUUID(), kind: 'client_id' as const, value: `c1-${run}`, reason: 'compromised', actor: 'revoker', created_at: at(60).toISOString() };
    await seed(Topic.Revocations, revokeClient, 60, `client_id:c1-${run}`);
    const revokeAnchor = { id: randomUUID(), kind: 'anchor' as const, value: ANCHOR, reason: 'directory breach', actor: 'revoker', created_at: at(61).toISOString() };
    await seed(Topic.Revocations, revokeAnchor, 61, `anchor:${ANCHOR}`);
    await seed(Topic.AdminActions, { actor: 'revoker', action: 'revocation.lifted', target: revokeAnchor.id, details: { kind: 'anchor', value: ANCHOR }, at: at(62).toISOString() }, 62, 'revoker');
    await eventually('every seeded event stored', async () => {
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM audit_events WHERE event_id = ANY($1::text[])', [ids(seeded)]);
      return rows[0].n === seeded.length ? true : undefined;
    });
  });
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await Promise.all([db?.drop(), topics?.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const seededOf = (pred: (e: CloudEvent) => boolean) => ids(seeded.filter(pred));
  const data = (e: CloudEvent) => e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any event's data
  const inRun = (e: CloudEvent) => JSON.stringify(e.data).includes(run);

  it.each([
    ['client_id', () => `client_id=c1-${run}`, (e: CloudEvent) => data(e).client_id === `c1-${run}`],
    ['type', () => `type=${Topic.AccessChecked}`, (e: CloudEvent) => e.type === Topic.AccessChecked],
    ['anchor', () => `anchor=${ANCHOR}`, (e: CloudEvent) => data(e).admission?.anchor === ANCHOR],
    ['origin', () => `origin=${encodeURIComponent(ORIGIN)}`, (e: CloudEvent) => data(e).admission?.origin === ORIGIN],
    ['decision', () => `decision=deny`, (e: CloudEvent) => data(e).decision === 'deny'],
    ['policy_version', () => `policy_version=${POLICY_B}`, (e: CloudEvent) => data(e).policy_version === POLICY_B],
    ['jkt', () => `jkt=${JKT_2}`, (e: CloudEvent) => (data(e).admission?.jkts ?? []).includes(JKT_2)],
    ['a time range', () => `from=${at(20).toISOString()}&to=${at(45).toISOString()}`, (e: CloudEvent) => Date.parse(e.time) >= t0 + 20 * 60_000 && Date.parse(e.time) < t0 + 45 * 60_000],
    ['several at once', () => `anchor=${ANCHOR}&decision=allow&policy_version=${POLICY_A}`, (e: CloudEvent) => data(e).admission?.anchor === ANCHOR && data(e).policy_version === POLICY_A],
  ])('GET /audit/events filters by %s', async (_what, query, pred) => {
    const { status, body } = await get(`/audit/events?${query()}&limit=1000`);
    expect(status).toBe(200);
    // Only this run's seeded events (the filters may also match the audit.read events of other tests only by type).
    // Stored order (seq) follows each partition, not the order of publishing across partitions: compare as sets.
    const got = (body.events as CloudEvent[]).filter((e) => seeded.some((s) => s.id === e.id)).map((e) => e.id);
    expect(got.sort()).toEqual(seededOf((e) => inRun(e) && pred(e)).sort());
    expect(got.length).toBeGreaterThan(0);
    expect(body.next_cursor).toBeNull();
  });

  it('pages through every event in stored order with an opaque cursor, each once', async () => {
    const all = await get('/audit/events?limit=1000');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body }: { status: number; body: Record<string, any> } = await get(`/audit/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`); // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON
      expect(status).toBe(200);
      expect(body.events.length).toBeLessThanOrEqual(3);
      seen.push(...body.events.map((e: { seq: string }) => e.seq));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    const expected = (all.body.events as { seq: string }[]).map((e) => e.seq);
    // Events stored while paging (the audit.read of each page) come after: a prefix must match exactly.
    expect(seen.slice(0, expected.length)).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.map(BigInt)).toEqual([...seen.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
  });

  it.each([
    ['a cursor from other filters', async () => `decision=deny&cursor=${(await get(`/audit/events?anchor=${ANCHOR}&limit=1`)).body.next_cursor}`, 'ERR_AUDIT_CURSOR_INVALID'],
    ['a forged cursor', async () => 'cursor=bm90LWEtY3Vyc29y', 'ERR_AUDIT_CURSOR_INVALID'],
    ['an unknown parameter', async () => 'clientId=x', 'invalid_request'],
    ['a repeated parameter', async () => 'type=a&type=b', 'invalid_request'],
    ['a limit over 1000', async () => 'limit=1001', 'invalid_request'],
    ['a time that is not RFC 3339', async () => 'from=yesterday', 'invalid_request'],
    ['from after to', async () => `from=${at(10).toISOString()}&to=${at(5).toISOString()}`, 'invalid_request'],
    ['an unknown type', async () => 'type=admit.bogus.v1', 'invalid_request'],
  ])('refuses %s with 400 and an RFC 9457 problem coded %s', async (_what, query, code) => {
    const { status, headers, body } = await get(`/audit/events?${await query()}`);
    expect([status, headers.get('content-type')]).toEqual([400, 'application/problem+json; charset=utf-8']);
    expect(body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: expect.any(String), code });
  });

  it('gives a client timeline in time order, with the revocations against it and its state', async () => {
    const { status, body } = await get(`/audit/clients/c1-${run}/timeline`);
    expect(status).toBe(200);
    expect(ids(body.events)).toEqual(seededOf((e) => data(e).client_id === `c1-${run}` || (e.type === Topic.Revocations && data(e).value === `c1-${run}`)));
    expect(body.revoked).toBe(true);
    expect(body.revocations.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['client_id', 'active'],
      ['anchor', 'lifted'],
    ]);
    const page = await get(`/audit/clients/c1-${run}/timeline?limit=2`);
    const rest = await get(`/audit/clients/c1-${run}/timeline?limit=10&cursor=${page.body.next_cursor}`);
    expect([...ids(page.body.events), ...ids(rest.body.events)]).toEqual(ids(body.events));
  });

  it('answers an incident query: every client admitted under an anchor in a window, with decisions and revocation state', async () => {
    const { status, body } = await get(`/audit/incidents?anchor=${ANCHOR}&from=${at(0).toISOString()}&to=${at(100).toISOString()}`);
    expect(status).toBe(200);
    expect(body.subject).toEqual({ kind: 'anchor', value: ANCHOR });
    expect(body.clients.map((c: { client_id: string; admissions: number; revoked: boolean }) => [c.client_id, c.admissions, c.revoked])).toEqual([
      [`c1-${run}`, 2, true],
      [`c2-${run}`, 1, false],
    ]);
    expect(body.clients[0].decisions.map((d: { type: string; decision: string }) => [d.type, d.decision])).toEqual([
      [Topic.RegistrationDecided, 'allow'],
      [Topic.RegistrationDecided, 'allow'],
      [Topic.AccessChecked, 'allow'],
    ]);
    expect(body.clients[1].revocations).toEqual([expect.objectContaining({ kind: 'anchor', value: ANCHOR, status: 'lifted', ended_by: 'revoker' })]);
    // The window bounds the admissions.
    const early = await get(`/audit/incidents?anchor=${ANCHOR}&to=${at(15).toISOString()}`);
    expect(early.body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([`c1-${run}`]);
    const byKey = await get(`/audit/incidents?jkt=${JKT_2}`);
    expect(byKey.body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([`c3-${run}`]);
    const byOrigin = await get(`/audit/incidents?origin=${encodeURIComponent(ORIGIN)}`);
    expect(byOrigin.body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([`c3-${run}`]);
    expect((await get('/audit/incidents?anchor=a&origin=b')).status).toBe(400);
  });

  it('`admit incidents` answers as the API does, through the API and straight from the database', async () => {
    const window = [`--from=${at(0).toISOString()}`, '--to', at(100).toISOString()];
    const { body } = await get(`/audit/incidents?anchor=${ANCHOR}&from=${at(0).toISOString()}&to=${at(100).toISOString()}`);
    const viaApi = await admit(['incidents', '--anchor', ANCHOR, ...window, '--url', url, '--json'], { ADMIT_ADMIN_TOKEN: AUDITOR });
    const viaDb = await admit(['incidents', '--anchor', ANCHOR, ...window, '--database', db.url, '--json']);
    for (const { code, stdout } of [viaApi, viaDb]) expect({ code, incident: JSON.parse(stdout) }).toEqual({ code: 0, incident: body });
    const lines = await admit(['incidents', '--jkt', JKT_2, '--database', db.url]);
    expect(lines.code).toBe(0);
    expect(lines.stdout).toMatch(new RegExp(`^1 client\\(s\\) admitted under jkt ${JKT_2}, the beginning \\.\\. now\nc3-${run}  not revoked  1 admission\\(s\\) `));
  });

  it('verifies the chain', async () => {
    const { status, body } = await get('/audit/verify');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, breaks: [], unchained: { count: 0 } });
    expect(body.links_checked).toBeGreaterThanOrEqual(seeded.length);
  });

  describe('the CLI', () => {
    const views = async (query: string) => (await get(`/audit/events?${query}&limit=1000`)).body.events as Record<string, unknown>[];

    it('exports JSONL through the API and straight from the database, both round-tripping the events exactly', async () => {
      const expected = await views(`anchor=${ANCHOR}`);
      const viaApi = join(dir, 'via-api.jsonl');
      const viaDb = join(dir, 'via-db.jsonl');
      expect((await cli(['export', '--url', url, '--anchor', ANCHOR, '--out', viaApi], { ADMIT_ADMIN_TOKEN: AUDITOR })).code).toBe(0);
      expect((await cli(['export', '--database', db.url, '--anchor', ANCHOR, '--out', viaDb])).code).toBe(0);
      for (const file of [viaApi, viaDb]) {
        const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
        expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
      }
    });

    it('exports CSV whose data column parses back to each event', async () => {
      const expected = await views(`client_id=c1-${run}`);
      const { code, stdout } = await cli(['export', '--database', db.url, '--client_id', `c1-${run}`, '--format', 'csv']);
      expect(code).toBe(0);
      const [header, ...rows] = parseCsv(stdout);
      expect(header).toEqual(['seq', 'id', 'type', 'source', 'subject', 'time', 'correlationid', 'causationid', 'topic', 'partition', 'offset', 'recorded_at', 'data']);
      expect(rows.map((r) => [r[0], r[1], r[5], JSON.parse(r[12])])).toEqual(expected.map((e) => [e.seq, e.id, e.time, e.data]));
    });

    it('verifies from the database with the public keys, and refuses without a token for the API', async () => {
      const jwks = join(dir, 'jwks.json');
      writeFileSync(jwks, JSON.stringify(app.get<KeysModuleKeys>(CHECKPOINT_KEYS).publicJwks()));
      const ok = await cli(['verify', '--database', db.url, '--jwks', jwks, '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, checkpoints: { signatures_checked: true } });
      const noToken = await cli(['verify', '--url', url], { ADMIT_ADMIN_TOKEN: '' });
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toContain('ADMIT_ADMIN_TOKEN');
    });
    it('checks checkpoints with the keys given by --jwks, also through the API, never on the server\'s word', async () => {
      expect(await app.get(Checkpointer).checkpoint()).toMatchObject({ seq: '1' });
      // The checkpoint keys are published on their own, apart from the admission-token keys.
      const res = await fetch(`${url}/.well-known/audit-checkpoint-jwks.json`);
      expect(res.status).toBe(200);
      const published = (await res.json()) as { keys: { kid: string; d?: string }[] };
      expect(published).toEqual(app.get<KeysModuleKeys>(CHECKPOINT_KEYS).publicJwks());
      expect(published.keys.map((k) => k.kid)).not.toContain(app.get(KeysModuleKeys).kid);
      expect(published.keys.every((k) => k.d === undefined)).toBe(true);
      const checkpointJwks = join(dir, 'checkpoint-jwks.json');
      const intakeJwks = join(dir, 'intake-jwks.json');
      writeFileSync(checkpointJwks, JSON.stringify(published));
      writeFileSync(intakeJwks, JSON.stringify(app.get(KeysModuleKeys).publicJwks()));
      const env = { ADMIT_ADMIN_TOKEN: AUDITOR };

      const ok = await cli(['verify', '--url', url, '--jwks', checkpointJwks, '--json'], env);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, checkpoints: { count: 1, signatures_checked: true, problems: [] } });
      // The server vouches for its checkpoints with its own keys; keys the auditor holds that did not sign them fail them.
      expect((await get('/audit/verify')).body).toMatchObject({ ok: true, checkpoints: { count: 1 } });
      for (const args of [['--url', url], ['--database', db.url]]) {
        const wrong = await cli(['verify', ...args, '--jwks', intakeJwks, '--json'], env);
        expect(wrong.code).toBe(1);
        expect(JSON.parse(wrong.stdout).checkpoints.problems).toEqual([
          { seq: '1', code: CheckpointProblem.Signature, description: 'the signature does not verify: no applicable key found in the JSON Web Key Set' },
        ]);
      }
    });
  });

  it('records every read as an audit.read admin action naming the actor', async () => {
    const marker = `c-${randomUUID()}`;
    await get(`/audit/events?client_id=${marker}`);
    const rows = await eventually('the audit.read event', async () => {
      const { rows } = await pg.query(`SELECT data FROM audit_events WHERE type = $1 AND data -> 'details' ->> 'client_id' = $2`, [Topic.AdminActions, marker]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(rows[0].data).toMatchObject({ actor: 'auditor', action: 'audit.read', target: '/audit/events', details: { client_id: marker, limit: 100, cursor: false } });
  });

  it.each(['/audit/events', `/audit/clients/c1-${run}/timeline`, `/audit/incidents?anchor=${ANCHOR}`, '/audit/verify', '/audit/checkpoints', '/audit/links?at=t:0:1'])('%s: 401 without a valid token, 403 without audit:read', async (path) => {
    const none = await get(path, '');
    expect([none.status, none.headers.get('content-type')]).toEqual([401, 'application/problem+json; charset=utf-8']);
    expect(none.body).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'an admin bearer token is required', code: 'invalid_token' });
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await get(path, 'admit_not-a-known-token')).status).toBe(401);
    const wrongScope = await get(path, REVOKER);
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body).toMatchObject({ status: 403, code: 'insufficient_scope' });
  });
});
