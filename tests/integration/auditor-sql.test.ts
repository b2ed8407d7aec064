// Real: PostgreSQL, a database of its own migrated by the owner role, the `audit` views and the
// `admit_auditor` role the migration grants them to. Every ```sql block of docs/auditor-sql.md is run
// as that role against a seeded trail and its answer checked; then the role tries to write.
import { AUDITOR_ROLE } from '@admit/audit';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { storeEvent } from '../support/stored-event';

const DOC = join(__dirname, '..', '..', 'docs', 'auditor-sql.md');
const P1 = `sha256:${'1'.repeat(64)}`;
const P2 = `sha256:${'2'.repeat(64)}`;
const K1 = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const K2 = 'K2hQYq2vmmXRrG5hk0pMfWdCtz7kqrR2fBsyHmGz1rc';
const AGENT = 'https://tools.example/agent.json';
const T0 = Date.parse('2026-03-02T00:00:00Z');
/** Hours after the start of the documented window. */
const at = (hours: number) => new Date(T0 + hours * 3_600_000);
const iso = (hours: number) => at(hours).toISOString();

/** The sql blocks of the doc, in order. */
function documentedQueries(): string[] {
  return [...readFileSync(DOC, 'utf8').matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Rows as plain JSON: times as ISO strings, numbers from numeric/bigint text as numbers. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
}

describe('read-only SQL for auditors (docs/auditor-sql.md)', () => {
  let db: TestDatabase;
  let su: Client;
  let auditor: Client;

  const store = (type: string, hours: number, data: Record<string, unknown>, correlationId?: string) => storeEvent(su, type, at(hours), data, correlationId);
  const allowed = (hours: number, client_id: string, policy: string, admission: Record<string, unknown>, correlationId?: string) =>
    store('admit.registration.decided.v1', hours, {
      client_id, decision: 'allow', policy_version: policy, determining_policies: ['registration-allowed'], reasons: [],
      admission: { jkts: [], evidence_sha256: 'e'.repeat(64), validated_at: iso(hours), expires_at: iso(hours + 0.25), flags: [], ...admission },
      decided_at: iso(hours),
    }, correlationId);
  const denied = (hours: number, client_id: string, policy: string, codes: string[]) =>
    store('admit.registration.decided.v1', hours, {
      client_id, decision: 'deny', policy_version: policy, determining_policies: [], reasons: codes.map((code) => ({ code, description: `seeded ${code}` })), decided_at: iso(hours),
    });
  const checked = (hours: number, client_id: string, decision: 'allow' | 'deny', policy: string, action: string, codes: string[] = [], count?: number) =>
    store('admit.access.checked.v1', hours, {
      check_id: randomUUID(), client_id, action, decision, reasons: codes.map((code) => ({ code, description: `seeded ${code}` })),
      policy_version: policy, path: 'local', checked_at: iso(hours), ...(count ? { count, first_checked_at: iso(hours - 0.5) } : {}),
    });
  const revoked = (hours: number, id: string, kind: string, value: string, reason: string, actor: string) =>
    store('admit.revocations.v1', hours, { id, kind, value, reason, actor, created_at: iso(hours) });

  beforeAll(async () => {
    db = await createTestDatabase('auditor_sql');
    su = new Client({ connectionString: db.url });
    auditor = new Client({ connectionString: db.url });
    await Promise.all([su.connect(), auditor.connect()]);
    // The role is NOLOGIN: a superuser's session takes it on, as a person's login granted it would.
    await auditor.query(`SET ROLE ${AUDITOR_ROLE}`);

    // Before the window: an admission under the anchor.
    await allowed(-24, 's_acme_old', P1, { source: 'software_statement', anchor: 'acme-directory', software_id: 'old', jkts: [K1] });
    // Under policy P1: two clients of the anchor (payroll with key K1, billing with key K2), a CIMD agent, a denied statement.
    await store('admit.registration.validated.v1', 0.5, { client_id: 's_acme_payroll', source: 'software_statement', outcome: 'valid', errors: [], evidence: {}, jkts: [K1], validated_at: iso(0.5) }, 'x1');
    await allowed(1, 's_acme_payroll', P1, { source: 'software_statement', anchor: 'acme-directory', software_id: 'payroll', jkts: [K1] }, 'x1');
    await allowed(2, 's_acme_billing', P1, { source: 'software_statement', anchor: 'acme-directory', software_id: 'billing', jkts: [K2] });
    await allowed(3, AGENT, P1, { source: 'cimd', origin: 'https://tools.example' });
    await denied(4, 's_rogue', P1, ['invalid_software_statement']);
    await checked(5, 's_acme_payroll', 'allow', P1, 'payments:write');
    await checked(6, AGENT, 'allow', P1, 'read:reports');
    await checked(20, 'c_unknown', 'deny', P1, 'payments:write', ['ERR_NOT_ADMITTED'], 5);
    await allowed(30, 's_acme_payroll', P1, { source: 'software_statement', anchor: 'acme-directory', software_id: 'payroll', jkts: [K1] });
    // Key K2 leaks: revoked at 50, billing denied at 51.
    const r1 = randomUUID();
    await revoked(50, r1, 'jkt', K2, 'key leaked', 'incident-bot');
    await checked(51, 's_acme_billing', 'deny', P1, 'payments:write', ['revoked:jkt']);
    // Policy P2 from hour 72: the agent is denied by it; a self-asserted client, never admitted, is denied too.
    await denied(72, AGENT, P2, ['cimd-origin-not-allowed']);
    await checked(73, 's_acme_payroll', 'allow', P2, 'payments:write');
    await denied(74, 'p_self', P2, ['self-asserted-not-admitted']);
    // Payroll revoked by id at 80, denied at 82; an origin revoked at 90 and lifted at 91; K2's revocation published again at 100.
    await revoked(80, randomUUID(), 'client_id', 's_acme_payroll', 'contract ended', 'alice');
    await checked(82, 's_acme_payroll', 'deny', P2, 'payments:write', ['revoked:client_id']);
    const r3 = randomUUID();
    await revoked(90, r3, 'origin', 'https://other.example', 'false alarm', 'alice');
    await store('admit.admin.actions.v1', 91, { actor: 'bob', action: 'revocation.lifted', target: r3, details: {}, at: iso(91) });
    await revoked(100, r1, 'jkt', K2, 'key leaked', 'incident-bot');
    // After the window.
    await allowed(200, 's_acme_late', P2, { source: 'software_statement', anchor: 'acme-directory', software_id: 'late' });
  });
  afterAll(async () => {
    await Promise.all([su?.end(), auditor?.end()]);
    await db?.drop();
  });

  const EXPECTED: Record<string, unknown>[][] = [
    // 1. admitted under the anchor in the window
    [
      { client_id: 's_acme_billing', admissions: 1, first_admitted_at: iso(2), last_admitted_at: iso(2) },
      { client_id: 's_acme_payroll', admissions: 2, first_admitted_at: iso(1), last_admitted_at: iso(30) },
    ],
    // 2. denied after the policy change (not the revoked payroll, not the never-admitted p_self)
    [{ client_id: AGENT, first_denied_at: iso(72), reason_codes: ['cimd-origin-not-allowed'] }],
    // 3. revocation to first deny (the ids are random: checked by what they revoked)
    [
      { kind: 'jkt', value: K2, revoked_at: iso(50), first_denial_at: iso(51), seconds_to_effect: 3600 },
      { kind: 'client_id', value: 's_acme_payroll', revoked_at: iso(80), first_denial_at: iso(82), seconds_to_effect: 7200 },
      { kind: 'origin', value: 'https://other.example', revoked_at: iso(90), first_denial_at: null, seconds_to_effect: null },
    ],
    // 4. payroll's story
    [
      { event_time: iso(0.5), type: 'admit.registration.validated.v1', decision: null, policy_version: null },
      { event_time: iso(1), type: 'admit.registration.decided.v1', decision: 'allow', policy_version: P1 },
      { event_time: iso(5), type: 'admit.access.checked.v1', decision: 'allow', policy_version: P1 },
      { event_time: iso(30), type: 'admit.registration.decided.v1', decision: 'allow', policy_version: P1 },
      { event_time: iso(73), type: 'admit.access.checked.v1', decision: 'allow', policy_version: P2 },
      { event_time: iso(80), type: 'admit.revocations.v1', decision: null, policy_version: null },
      { event_time: iso(82), type: 'admit.access.checked.v1', decision: 'deny', policy_version: P2 },
    ],
    // 5. in force now (the origin's was lifted)
    [
      { kind: 'jkt', value: K2, reason: 'key leaked', actor: 'incident-bot', revoked_at: iso(50), expires_at: null },
      { kind: 'client_id', value: 's_acme_payroll', reason: 'contract ended', actor: 'alice', revoked_at: iso(80), expires_at: null },
    ],
    // 6. denials by reason (the aggregated event as its 5 checks)
    [
      { code: 'ERR_NOT_ADMITTED', denials: 5 },
      { code: 'cimd-origin-not-allowed', denials: 1 },
      { code: 'invalid_software_statement', denials: 1 },
      { code: 'revoked:client_id', denials: 1 },
      { code: 'revoked:jkt', denials: 1 },
      { code: 'self-asserted-not-admitted', denials: 1 },
    ],
    // 7. admissions per day and source
    [
      { day: '2026-03-02', source: 'cimd', admissions: 1 },
      { day: '2026-03-02', source: 'software_statement', admissions: 2 },
      { day: '2026-03-03', source: 'software_statement', admissions: 1 },
    ],
    // 8. admitted with the leaked key
    [{ client_id: 's_acme_billing', anchor: 'acme-directory', software_id: 'billing', last_admitted_at: iso(2) }],
    // 9. access checks per action
    [
      { action: 'payments:write', allowed: 2, denied: 7 },
      { action: 'read:reports', allowed: 1, denied: 0 },
    ],
    // 10. policy versions in use
    [
      { policy_version: P1, first_used_at: iso(1), last_used_at: iso(51), decisions: 9 },
      { policy_version: P2, first_used_at: iso(72), last_used_at: iso(82), decisions: 4 },
    ],
  ];

  it('documents ten questions, each with one sql block', () => {
    expect(documentedQueries()).toHaveLength(10);
  });

  it.each(documentedQueries().map((sql, i) => [i + 1, sql] as const))('answers question %i as the role admit_auditor', async (n, sql) => {
    const { rows } = await auditor.query(sql);
    // Revocation ids are random (question 3 returns them): answers are compared without them.
    expect(plain(rows).map(({ id: _id, ...r }) => r)).toEqual(EXPECTED[n - 1]);
  });

  it('is a NOLOGIN role holding SELECT on the four views and no other privilege', async () => {
    const { rows: role } = await su.query(`SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolinherit FROM pg_roles WHERE rolname = $1`, [AUDITOR_ROLE]);
    expect(role).toEqual([{ rolcanlogin: false, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolinherit: true }]);
    const { rows: grants } = await su.query(
      `SELECT table_schema || '.' || table_name AS relation, privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 ORDER BY 1, 2`,
      [AUDITOR_ROLE],
    );
    expect(grants).toEqual(['audit.access_checks', 'audit.decisions', 'audit.events', 'audit.revocations'].map((relation) => ({ relation, privilege_type: 'SELECT' })));
  });

  it('cannot write through the views, nor read or write the tables under them, nor create anything', async () => {
    const denied = (what: string) => ({ code: '42501', message: `permission denied for ${what}` });
    const before = (await su.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n;
    await expect(auditor.query(`INSERT INTO audit.events (event_id, type, source, correlation_id, event_time, data) VALUES ('x', 't', 's', 'c', now(), '{}')`)).rejects.toMatchObject(denied('view events'));
    await expect(auditor.query(`UPDATE audit.events SET type = 'forged'`)).rejects.toMatchObject(denied('view events'));
    await expect(auditor.query(`DELETE FROM audit.decisions`)).rejects.toMatchObject(denied('view decisions'));
    await expect(auditor.query(`TRUNCATE public.audit_events`)).rejects.toMatchObject(denied('table audit_events'));
    for (const table of ['audit_events', 'audit_chain_links', 'audit_checkpoints', 'revocations', 'client_assertion_jtis']) {
      await expect(auditor.query(`SELECT 1 FROM public.${table} LIMIT 1`)).rejects.toMatchObject(denied(`table ${table}`));
      await expect(auditor.query(`DELETE FROM public.${table}`)).rejects.toMatchObject(denied(`table ${table}`));
    }
    await expect(auditor.query(`INSERT INTO public.revocations (id, kind, value, reason, actor, created_at) VALUES (gen_random_uuid(), 'client_id', 'x', 'r', 'a', now())`)).rejects.toMatchObject(denied('table revocations'));
    await expect(auditor.query(`CREATE TABLE audit.mine (a int)`)).rejects.toMatchObject(denied('schema audit'));
    await expect(auditor.query(`CREATE TABLE public.mine (a int)`)).rejects.toMatchObject(denied('schema public'));
    await expect(auditor.query(`CREATE OR REPLACE VIEW audit.events AS SELECT 1 AS seq`)).rejects.toMatchObject(denied('schema audit'));
    await expect(auditor.query(`ALTER VIEW audit.events RENAME TO gone`)).rejects.toMatchObject({ code: '42501', message: 'must be owner of view events' });
    expect((await su.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(before);
  });
});
