// Real: PostgreSQL (a database of its own), the audit service as the apps run it (HTTP, the batched
// ingest and the hash chain) on the in-process bus, admin tokens from a tokens file, the CLI as a
// process of its own. The seeded events go through the real ingest. Nothing stubbed.
import { AuditModule, buildEvidenceReport, EvidenceReport, renderReportHtml, reportCharts, reportSeries, sqlOf } from '@admit/audit';
import { inProcessTransport, Publisher, publisherFor } from '@admit/bus';
import { CloudEvent, EventData, Topic } from '@admit/contracts';
import { AdminAuthModule, hashAdminToken, startService } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/poll';

const AUDITOR = 'admit_report-auditor-token-for-tests-only';
const REVOKER = 'admit_report-revoker-token-for-tests-only';
const POLICY = `sha256:${'a'.repeat(64)}`;
const JKT = 'j'.repeat(43);
const ORIGIN = 'https://docs.example';
const WORKLOAD = 'spiffe://prod.example/ns/payments/api';
const NAMESPACE = 'spiffe://prod.example/ns/payments';
const INTERMEDIATE = 'https://intermediate.example';
const HOSTILE = '<script>alert("x")</script>&\'';

@Module({ providers: [publisherFor('policy')], exports: [Publisher] })
class SeedModule {}

type Decided = EventData<typeof Topic.RegistrationDecided>;
type Validated = EventData<typeof Topic.RegistrationValidated>;

describe('audit evidence report', () => {
  let db: TestDatabase;
  let dir: string;
  let app: NestFastifyApplication;
  let url: string;
  let pg: Client;
  const seeded: CloudEvent[] = [];
  const t0 = Date.parse('2026-05-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const WINDOW = { from: at(0).toISOString(), to: at(100).toISOString() };

  async function seed<T extends Topic>(topic: T, data: EventData<T>, minutes: number, correlationId?: string): Promise<void> {
    const subject = (data as { client_id?: string }).client_id;
    seeded.push(await app.get(Publisher).publish(topic, data, { subject, now: at(minutes), correlationId }));
  }

  const validated = (client_id: string, source: Validated['source'], evidence: Validated['evidence'], extra: Partial<Validated> = {}): Validated => ({
    client_id,
    source,
    outcome: 'valid',
    errors: [],
    evidence,
    jkts: [],
    validated_at: at(0).toISOString(),
    ...extra,
  });
  const allowed = (client_id: string, admission?: Partial<NonNullable<Decided['admission']>>): Decided => ({
    client_id,
    decision: 'allow',
    policy_version: POLICY,
    determining_policies: ['registration-allowed'],
    reasons: [],
    ...(admission
      ? { admission: { source: 'cimd', jkts: [], evidence_sha256: 'e'.repeat(64), validated_at: at(0).toISOString(), expires_at: at(900).toISOString(), flags: [], ...admission } }
      : {}),
    decided_at: at(0).toISOString(),
  });
  const denied = (client_id: string, codes: string[]): Decided => ({
    client_id,
    decision: 'deny',
    policy_version: POLICY,
    determining_policies: [],
    reasons: codes.map((code) => ({ code, description: `seeded ${code}` })),
    decided_at: at(0).toISOString(),
  });
  const checked = (client_id: string, decision: 'allow' | 'deny', path: 'local' | 'pipeline', codes: string[] = []): EventData<typeof Topic.AccessChecked> => ({
    check_id: randomUUID(),
    client_id,
    action: 'payments:write',
    decision,
    reasons: codes.map((code) => ({ code, description: `seeded ${code}` })),
    policy_version: POLICY,
    path,
    checked_at: at(0).toISOString(),
  });
  const revocation = (id: string, kind: EventData<typeof Topic.Revocations>['kind'], value: string, reason = 'seeded') => ({
    id,
    kind,
    value,
    reason,
    actor: 'revoker',
    created_at: at(0).toISOString(),
  });

  const get = async (path: string, token = AUDITOR) => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  beforeAll(async () => {
    db = await createTestDatabase('audit_report');
    dir = mkdtempSync(join(tmpdir(), 'admit-audit-report-'));
    const tokensFile = join(dir, 'tokens.yaml');
    writeFileSync(
      tokensFile,
      `tokens:\n  - name: auditor\n    sha256: ${hashAdminToken(AUDITOR)}\n    scopes: [audit:read]\n  - name: revoker\n    sha256: ${hashAdminToken(REVOKER)}\n    scopes: [revocations:write]\n`,
    );
    app = await startService({
      name: 'audit',
      imports: [StoreModule.forRoot({ url: db.url }), AdminAuthModule.forRoot({ tokensFile }), AuditModule.forRoot({ checkpointIntervalMs: 0 }), SeedModule],
      transport: inProcessTransport(),
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    // s1: signed statement (anchor `directory`, key JKT), admitted at 2 and again at 20; checked at 5
    //     (local), 21 (pipeline); revoked by id at 40 (published again at 61); denied as revoked at 41 and 45.
    // c1: fetched document of ORIGIN, admitted at 3, checked at 6; ORIGIN revoked at 50; its registration denied as revoked at 52.
    // p1: self-asserted at 7. c2: a CIMD admission whose validation is not stored, at 8. u1: a decision of contracts 1.0 (no admission), at 9.
    // Denials: invalid statement at 10; two reasons at 11; no reason at 12; another client denied as revoked at 40.5 (not s1's effect).
    // `anchor` other-directory revoked at 60: no client of it asks again. Outside the window: -10, -5, 100 (`to` is exclusive), 150.
    // w1: a SPIFFE workload (ns/payments/api) admitted at 13; w2 (ns/payments2/api) validated at 13. NAMESPACE revoked at 62: w2's
    //     check denied as revoked:spiffe_prefix at 63 (not under it: whole segments), w1's at 64.5; trust domain prod.example revoked
    //     at 80, w1's check denied as revoked:trust_domain at 83.
    // a1: an agent attested by `agent-platform`, admitted at 14; the attester revoked at 70, a1's registration denied as revoked at 71.
    // f1: a federation leaf validated through INTERMEDIATE at 15; the intermediate revoked at 85, f1's registration denied as revoked at 88.
    await seed(Topic.RegistrationValidated, validated('s1', 'software_statement', { statement: { sha256: '1'.repeat(64), anchor: 'directory', alg: 'ES256' } }, { anchor: 'directory', software_id: 'sw1', jkts: [JKT] }), 1, 'x1');
    await seed(Topic.RegistrationDecided, allowed('s1', { source: 'software_statement', anchor: 'directory', software_id: 'sw1', jkts: [JKT] }), 2, 'x1');
    const document = { url: `${ORIGIN}/c1.json`, sha256: '2'.repeat(64), fetched_at: at(3).toISOString(), status: 200, cache_ttl_s: 300 };
    await seed(Topic.RegistrationValidated, validated('c1', 'cimd', { document }, { origin: ORIGIN }), 3, 'x3');
    await seed(Topic.RegistrationDecided, allowed('c1', { source: 'cimd', origin: ORIGIN }), 3, 'x3');
    await seed(Topic.AccessChecked, checked('s1', 'allow', 'local'), 5);
    await seed(Topic.AccessChecked, checked('c1', 'allow', 'local'), 6);
    await seed(Topic.RegistrationValidated, validated('p1', 'self_asserted', {}), 7, 'x7');
    await seed(Topic.RegistrationDecided, allowed('p1', { source: 'self_asserted' }), 7, 'x7');
    await seed(Topic.RegistrationDecided, allowed('c2', { source: 'cimd', origin: 'https://elsewhere.example' }), 8, 'x8');
    await seed(Topic.RegistrationDecided, allowed('u1'), 9, 'x9');
    await seed(Topic.RegistrationDecided, denied('d1', ['invalid_software_statement']), 10);
    await seed(Topic.RegistrationDecided, denied('d2', ['invalid_client_metadata', 'ERR_CIMD_SECRET']), 11);
    await seed(Topic.RegistrationDecided, denied('d3', []), 12);
    await seed(Topic.RegistrationValidated, validated('s1', 'software_statement', { statement: { sha256: '3'.repeat(64), anchor: 'directory', alg: 'ES256' } }, { anchor: 'directory', jkts: [JKT] }), 19, 'x20');
    const svid = (spiffe_id: string) => ({ spiffe: { spiffe_id, anchor: 'prod-mesh', trust_domain: 'prod.example', svid_sha256: '4'.repeat(64), exp: at(30).toISOString() } });
    await seed(Topic.RegistrationValidated, validated('w1', 'spiffe', svid(WORKLOAD), { anchor: 'prod-mesh', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments', 'api'] }), 13, 'x13');
    await seed(Topic.RegistrationDecided, allowed('w1', { source: 'spiffe', anchor: 'prod-mesh', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments', 'api'] }), 13, 'x13');
    await seed(Topic.RegistrationValidated, validated('w2', 'spiffe', svid('spiffe://prod.example/ns/payments2/api'), { anchor: 'prod-mesh', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments2', 'api'] }), 13, 'x13b');
    const attestation = { client_attestation: { attester: 'agent-platform', issuer: 'https://agents.example', jkt: JKT, attestation_sha256: '5'.repeat(64), exp: at(30).toISOString() } };
    await seed(Topic.RegistrationValidated, validated('a1', 'client_attestation', attestation, { anchor: 'agent-platform', attester: 'agent-platform', jkts: [JKT] }), 14, 'x14');
    await seed(Topic.RegistrationDecided, allowed('a1', { source: 'client_attestation', anchor: 'agent-platform', attester: 'agent-platform', jkts: [JKT] }), 14, 'x14');
    await seed(Topic.RegistrationValidated, validated('f1', 'federation', {}, { intermediates: [INTERMEDIATE] }), 15, 'x15');
    await seed(Topic.RegistrationDecided, allowed('s1', { source: 'software_statement', anchor: 'directory', software_id: 'sw1', jkts: [JKT] }), 20, 'x20');
    await seed(Topic.AccessChecked, checked('s1', 'allow', 'pipeline'), 21);
    // Twelve checks of a client Admit never admitted, aggregated by intake into one event.
    await seed(Topic.AccessChecked, { ...checked('c_unknown', 'deny', 'pipeline', ['ERR_NOT_ADMITTED']), count: 12, first_checked_at: at(25).toISOString() }, 30);
    const byId = revocation(randomUUID(), 'client_id', 's1', HOSTILE);
    await seed(Topic.Revocations, byId, 40);
    await seed(Topic.AccessChecked, checked('other', 'deny', 'local', ['revoked:client_id']), 40.5);
    await seed(Topic.AccessChecked, checked('s1', 'deny', 'local', ['revoked:client_id']), 41);
    await seed(Topic.AccessChecked, checked('s1', 'deny', 'local', ['revoked:client_id']), 45);
    await seed(Topic.Revocations, revocation(randomUUID(), 'origin', ORIGIN), 50);
    await seed(Topic.RegistrationDecided, denied('c1', ['revoked:origin']), 52);
    await seed(Topic.Revocations, revocation(randomUUID(), 'anchor', 'other-directory'), 60);
    await seed(Topic.Revocations, byId, 61);
    await seed(Topic.Revocations, revocation(randomUUID(), 'spiffe_prefix', NAMESPACE), 62);
    await seed(Topic.AccessChecked, checked('w2', 'deny', 'local', ['revoked:spiffe_prefix']), 63);
    await seed(Topic.AccessChecked, checked('w1', 'deny', 'local', ['revoked:spiffe_prefix']), 64.5);
    await seed(Topic.Revocations, revocation(randomUUID(), 'attester', 'agent-platform'), 70);
    await seed(Topic.RegistrationDecided, denied('a1', ['revoked:attester']), 71);
    await seed(Topic.Revocations, revocation(randomUUID(), 'trust_domain', 'prod.example'), 80);
    await seed(Topic.AccessChecked, checked('w1', 'deny', 'local', ['revoked:trust_domain']), 83);
    await seed(Topic.Revocations, revocation(randomUUID(), 'intermediate', INTERMEDIATE), 85);
    await seed(Topic.RegistrationDecided, denied('f1', ['revoked:intermediate']), 88);
    await seed(Topic.Revocations, revocation(randomUUID(), 'client_id', 'q'), -10);
    await seed(Topic.RegistrationDecided, allowed('early', { source: 'cimd' }), -5);
    await seed(Topic.RegistrationDecided, allowed('late', { source: 'software_statement' }), 100);
    await seed(Topic.AccessChecked, checked('s1', 'deny', 'local', ['revoked:client_id']), 150);
    await eventually('every seeded event stored', async () => {
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM audit_events WHERE event_id = ANY($1::text[])', [seeded.map((e) => e.id)]);
      return rows[0].n === seeded.length ? true : undefined;
    });
  });
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  let report: EvidenceReport;
  beforeAll(async () => {
    report = await buildEvidenceReport(sqlOf(pg), WINDOW, at(200));
  });

  it('counts admissions by source, and the clients they admitted', () => {
    expect(report.figures.admissions_by_source).toEqual({
      admissions: 8,
      clients: 7,
      by_source: { cimd: 2, software_statement: 2, federation: 0, spiffe: 1, client_attestation: 1, self_asserted: 1, unknown: 1 },
    });
  });

  it('counts as backed only the admissions whose validation stored a statement, JWT-SVID, attestation or document digest', () => {
    // c2 says cimd, but no validation of it was stored; p1 was validated, on its own word.
    expect(report.figures.metadata_backing).toEqual({ admissions: 8, signed: 4, fetched: 1, backed: 5, share: 5 / 8 });
  });

  it('counts access checks by path and decision (an aggregated event as the checks it stands for), and re-admissions per client', () => {
    expect(report.figures.revalidation).toEqual({
      access_checks: { total: 21, local: 8, pipeline: 13, allow: 3, deny: 18, clients: 6 },
      readmissions: { clients: 7, admissions: 8, clients_admitted_again: 1, readmissions: 1, max_admissions_per_client: 2 },
    });
  });

  it('times each revocation to the first denial of a client it covers, once per revocation, or says it was not observed', () => {
    const r = report.figures.revocations;
    expect({ ...r, items: undefined }).toEqual({ total: 7, observed: 6, not_observed: 1, median_seconds_to_effect: 135, max_seconds_to_effect: 180, items: undefined, truncated: false });
    expect(r.items.map((i) => [i.kind, i.value, i.revoked_at, i.first_denial_at, i.seconds_to_effect])).toEqual([
      ['client_id', 's1', at(40).toISOString(), at(41).toISOString(), 60],
      ['origin', ORIGIN, at(50).toISOString(), at(52).toISOString(), 120],
      ['anchor', 'other-directory', at(60).toISOString(), null, null],
      // w2's deny at 63 is not this revocation's: ns/payments2 is not under ns/payments.
      ['spiffe_prefix', NAMESPACE, at(62).toISOString(), at(64.5).toISOString(), 150],
      ['attester', 'agent-platform', at(70).toISOString(), at(71).toISOString(), 60],
      ['trust_domain', 'prod.example', at(80).toISOString(), at(83).toISOString(), 180],
      ['intermediate', INTERMEDIATE, at(85).toISOString(), at(88).toISOString(), 180],
    ]);
    expect(r.items[0]).toMatchObject({ reason: HOSTILE, actor: 'revoker' });
  });

  it('counts denials by reason code, registrations and access checks apart, an aggregated access check as the checks it stands for', () => {
    const d = report.figures.denials_by_reason;
    expect(d.denials).toBe(24);
    expect(d.truncated).toBe(false);
    expect(d.reasons).toEqual([
      { code: 'ERR_NOT_ADMITTED', registrations: 0, access_checks: 12, total: 12 },
      { code: 'revoked:client_id', registrations: 0, access_checks: 3, total: 3 },
      { code: 'revoked:spiffe_prefix', registrations: 0, access_checks: 2, total: 2 },
      { code: 'ERR_CIMD_SECRET', registrations: 1, access_checks: 0, total: 1 },
      { code: 'invalid_client_metadata', registrations: 1, access_checks: 0, total: 1 },
      { code: 'invalid_software_statement', registrations: 1, access_checks: 0, total: 1 },
      { code: 'none', registrations: 1, access_checks: 0, total: 1 },
      { code: 'revoked:attester', registrations: 1, access_checks: 0, total: 1 },
      { code: 'revoked:intermediate', registrations: 1, access_checks: 0, total: 1 },
      { code: 'revoked:origin', registrations: 1, access_checks: 0, total: 1 },
      { code: 'revoked:trust_domain', registrations: 0, access_checks: 1, total: 1 },
    ]);
  });

  it('counts admissions and denials per hour for the over-time chart, as many as the figures, and draws the four charts', async () => {
    const series = await reportSeries(sqlOf(pg), WINDOW);
    expect(series).toEqual({
      bucket: 'hour',
      bucket_seconds: 3600,
      points: [
        { start: at(0).toISOString(), admissions: 8, denials: 19 },
        { start: at(60).toISOString(), admissions: 0, denials: 5 },
      ],
    });
    const charts = reportCharts(report, series);
    expect(Object.keys(charts).sort()).toEqual(['admissions_by_source', 'denials_by_reason', 'over_time', 'revocations']);
    // Values from events are escaped in the charts too (s1's revocation reason is not in them; the origin is).
    expect(charts.revocations).toContain(`origin: ${ORIGIN}`);
    expect(charts.revocations).toContain('not observed');
    const html = renderReportHtml(report, charts);
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/<svg /g)).toHaveLength(4);
  });

  it('names the framework items each figure maps to', () => {
    expect(report.mappings.revocations.items.map((i) => i.id)).toEqual(['PR.AA-01', 'NHI1:2025', 'T3', 'T13']);
    expect(report.mappings.metadata_backing.items.map((i) => i.id)).toContain('T9');
    for (const m of Object.values(report.mappings)) expect(m.items[0]).toMatchObject({ framework: 'NIST CSF 2.0', id: 'PR.AA-01' });
  });

  it('serves the same report at GET /audit/report, and records the read', async () => {
    const { status, text } = await get(`/audit/report?${query(WINDOW)}`);
    expect(status).toBe(200);
    const body = JSON.parse(text) as EvidenceReport;
    expect({ ...body, generated_at: '' }).toEqual({ ...report, generated_at: '' });
    const rows = await eventually('the audit.read event of the report', async () => {
      const { rows } = await pg.query(`SELECT data FROM audit_events WHERE type = $1 AND data ->> 'target' = '/audit/report'`, [Topic.AdminActions]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(rows[0].data).toMatchObject({ actor: 'auditor', action: 'audit.read', details: { ...WINDOW, format: 'json' } });
  });

  it('serves a self-contained HTML page with every value from the events escaped', async () => {
    const { status, headers, text } = await get(`/audit/report?${query({ ...WINDOW, format: 'html' })}`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(text).not.toContain('<script');
    expect(text).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;');
    expect(text).not.toMatch(/<[^>]*\b(src|href)=/);
    expect(text).toContain('PR.AA-01');
    expect(text).toContain('62.5 %');
    expect(text).toContain('not observed');
  });

  it.each([
    ['no window', {}, 'invalid_request'],
    ['no `to`', { from: WINDOW.from }, 'invalid_request'],
    ['an unknown format', { ...WINDOW, format: 'pdf' }, 'invalid_request'],
    ['a cursor', { ...WINDOW, cursor: 'abc' }, 'invalid_request'],
    ['from after to', { from: WINDOW.to, to: WINDOW.from }, 'invalid_request'],
  ])('refuses %s with 400', async (_what, params, code) => {
    const { status, text } = await get(`/audit/report?${query(params as Record<string, string>)}`);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ status: 400, code });
  });

  it('needs a token with audit:read', async () => {
    expect((await get(`/audit/report?${query(WINDOW)}`, '')).status).toBe(401);
    const wrongScope = await get(`/audit/report?${query(WINDOW)}`, REVOKER);
    expect(wrongScope.status).toBe(403);
    expect(JSON.parse(wrongScope.text)).toMatchObject({ status: 403, code: 'insufficient_scope' });
  });

  it('admit audit report writes the same figures from the database, as HTML with the same renderer', async () => {
    const out = join(dir, 'report.html');
    const script = "require('./tools/cli/src/run-audit').runAudit(process.argv.slice(1)).then((c) => process.exit(c), (e) => { console.error(e.message); process.exit(e.exitCode ?? 1); })";
    await promisify(execFile)('node_modules/.bin/tsx', ['-e', script, 'report', '--database', db.url, '--from', WINDOW.from, '--to', WINDOW.to, '--format', 'html', '--out', out]);
    const html = readFileSync(out, 'utf8');
    const generated = /Generated <code>([^<]+)<\/code>/.exec(html)?.[1];
    expect(generated).toBeDefined();
    expect(html).toBe(renderReportHtml({ ...report, generated_at: generated! }));
  });
});
