// Real: PostgreSQL, a database of its own migrated as the apps' template is. The evidence report of a
// window read from stored days (audit_report_days) is compared with the same report computed from
// the events alone, on a trail with revocations, admissions whose validation falls on the day before,
// partial days at both ends, and events that arrive after their day was stored.
import { buildEvidenceReport, EvidenceReport, reportSeries, reportWithSeries, rolledUpDays, sqlOf, storeRecentDays } from '@admit/audit';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { storeEvent } from '../support/stored-event';

const DAY = 24;
const T0 = Date.parse('2026-03-02T00:00:00Z');
/** Hours after 2026-03-02T00:00Z. */
const at = (hours: number) => new Date(T0 + hours * 3_600_000);
const iso = (hours: number) => at(hours).toISOString();
/** From 06:00 the day before T0 to 18:00 two days after: a partial day at each end, two whole days between. */
const WINDOW = { from: iso(-18), to: iso(2 * DAY + 18) };
const LATER = at(10 * DAY);
const POLICY = `sha256:${'a'.repeat(64)}`;
const ORIGIN = 'https://docs.example';
const JKT = 'j'.repeat(43);

describe('evidence report from stored days', () => {
  let db: TestDatabase;
  let su: Client;

  const store = (type: string, hours: number, data: Record<string, unknown>, correlationId?: string) => storeEvent(su, type, at(hours), data, correlationId);
  const validated = (hours: number, client_id: string, source: string, evidence: Record<string, unknown>, correlationId: string) =>
    store('admit.registration.validated.v1', hours, { client_id, source, outcome: 'valid', errors: [], evidence, jkts: [], validated_at: iso(hours) }, correlationId);
  const allowed = (hours: number, client_id: string, admission: Record<string, unknown> | undefined, correlationId?: string) =>
    store('admit.registration.decided.v1', hours, {
      client_id, decision: 'allow', policy_version: POLICY, determining_policies: ['registration-allowed'], reasons: [],
      ...(admission ? { admission: { jkts: [], evidence_sha256: 'e'.repeat(64), validated_at: iso(hours), expires_at: iso(hours + 1), flags: [], ...admission } } : {}),
      decided_at: iso(hours),
    }, correlationId);
  const denied = (hours: number, client_id: string, codes: string[]) =>
    store('admit.registration.decided.v1', hours, {
      client_id, decision: 'deny', policy_version: POLICY, determining_policies: [], reasons: codes.map((code) => ({ code, description: code })), decided_at: iso(hours),
    });
  const checked = (hours: number, client_id: string, decision: 'allow' | 'deny', path: 'local' | 'pipeline', codes: string[] = [], count?: number) =>
    store('admit.access.checked.v1', hours, {
      check_id: randomUUID(), client_id, action: 'payments:write', decision, reasons: codes.map((code) => ({ code, description: code })),
      policy_version: POLICY, path, checked_at: iso(hours), ...(count ? { count, first_checked_at: iso(hours - 0.5) } : {}),
    });
  const revoked = (hours: number, kind: string, value: string) =>
    store('admit.revocations.v1', hours, { id: randomUUID(), kind, value, reason: 'seeded', actor: 'revoker', created_at: iso(hours) });

  /** The report from the events alone: `now` before the window, so no day of it has ended. */
  const fromEvents = async (client: Client = su) => {
    const sql = sqlOf(client);
    return { report: await buildEvidenceReport(sql, WINDOW, at(-DAY)), series: await reportSeries(sql, WINDOW, at(-DAY)) };
  };
  /** The stored rows, by day and then as stored. */
  const storedDays = async () =>
    (await su.query<{ id: string; day: Date }>('SELECT id::text AS id, day FROM audit_report_days ORDER BY day, id')).rows.map((r) => ({ id: r.id, day: r.day.toISOString() }));
  const days = async () => [...new Set((await storedDays()).map((d) => d.day))];
  const figures = (r: { report: EvidenceReport }) => r.report.figures;

  beforeAll(async () => {
    db = await createTestDatabase('audit_report_days');
    su = new Client({ connectionString: db.url });
    await su.connect();
    // Outside the window.
    await allowed(-2 * DAY, 'early', { source: 'cimd' });
    await checked(3 * DAY, 'late', 'deny', 'local', ['revoked:client_id']);
    // The partial first day: an admission whose validation is not stored, a check.
    await allowed(-17, 'c2', { source: 'cimd', origin: 'https://elsewhere.example' });
    await checked(-4, 'c1', 'allow', 'local');
    // Across midnight: s1's statement validated just before it, admitted just after (the backing reads the day before).
    await validated(-0.001, 's1', 'software_statement', { statement: { sha256: '1'.repeat(64), anchor: 'directory', alg: 'ES256' } }, 'x1');
    await allowed(0.001, 's1', { source: 'software_statement', anchor: 'directory', software_id: 'sw1' }, 'x1');
    await checked(1, 's1', 'allow', 'local');
    // Agents attested by `agent-platform`: a1 across the next midnight (between the two stored days), a2 on the partial last day.
    const attestation = { client_attestation: { attester: 'agent-platform', issuer: 'https://agents.example', jkt: JKT, attestation_sha256: '4'.repeat(64), exp: iso(3 * DAY) } };
    const attested = { source: 'client_attestation', anchor: 'agent-platform', attester: 'agent-platform', jkts: [JKT] };
    await validated(DAY - 0.001, 'a1', 'client_attestation', attestation, 'x4');
    await allowed(DAY + 0.001, 'a1', attested, 'x4');
    await validated(2 * DAY + 8, 'a2', 'client_attestation', attestation, 'x5');
    await allowed(2 * DAY + 8, 'a2', attested, 'x5');
    await denied(5, 'd1', ['invalid_software_statement']);
    await validated(10, 'c1', 'cimd', { document: { url: `${ORIGIN}/c1.json`, sha256: '2'.repeat(64), fetched_at: iso(10), status: 200, cache_ttl_s: 300 } }, 'x2');
    await allowed(10, 'c1', { source: 'cimd', origin: ORIGIN }, 'x2');
    // s1 revoked at 22:00; its checks denied as revoked at 01:00 and 05:00 the next day.
    await revoked(22, 'client_id', 's1');
    await checked(23.5, 'unknown', 'deny', 'pipeline', ['ERR_NOT_ADMITTED'], 12);
    await checked(DAY + 1, 's1', 'deny', 'local', ['revoked:client_id']);
    await checked(DAY + 2, 's1', 'allow', 'pipeline');
    await checked(DAY + 5, 's1', 'deny', 'local', ['revoked:client_id']);
    await denied(DAY + 6, 'd2', ['invalid_client_metadata', 'ERR_CIMD_SECRET']);
    await validated(DAY + 8, 'p1', 'self_asserted', {}, 'x3');
    await allowed(DAY + 8, 'p1', { source: 'self_asserted' }, 'x3');
    await revoked(DAY + 9, 'origin', ORIGIN);
    await allowed(DAY + 12, 's1', { source: 'software_statement', anchor: 'directory', software_id: 'sw1' });
    // The partial last day: c1's registration denied as revoked, a decision of contracts 1.0, a default deny.
    await denied(2 * DAY + 2, 'c1', ['revoked:origin']);
    await denied(2 * DAY + 9, 'd3', []);
    await allowed(2 * DAY + 10, 'u1', undefined);
  });
  afterAll(async () => {
    await su?.end();
    await db?.drop();
  });

  it('gives the same report and series from the stored whole days as from the events, and stores only those days', async () => {
    const live = await fromEvents();
    expect(await storedDays()).toEqual([]);
    const fast = await reportWithSeries(sqlOf(su), WINDOW, LATER);
    expect(figures(fast)).toEqual(figures(live));
    expect(fast.series).toEqual(live.series);
    expect(await days()).toEqual([iso(0), iso(DAY)]);
    // What the trail holds, so the comparison is of something.
    expect(figures(fast).admissions_by_source).toEqual({
      admissions: 8,
      clients: 7,
      by_source: { cimd: 2, software_statement: 2, federation: 0, spiffe: 0, client_attestation: 2, self_asserted: 1, unknown: 1 },
    });
    expect(figures(fast).metadata_backing).toEqual({ admissions: 8, signed: 3, fetched: 1, backed: 4, share: 4 / 8 });
    expect(figures(fast).revalidation).toEqual({
      access_checks: { total: 17, local: 4, pipeline: 13, allow: 3, deny: 14, clients: 3 },
      readmissions: { clients: 7, admissions: 8, clients_admitted_again: 1, readmissions: 1, max_admissions_per_client: 2 },
    });
    expect(figures(fast).revocations).toMatchObject({ total: 2, observed: 2, median_seconds_to_effect: (3 * 3600 + 17 * 3600) / 2, max_seconds_to_effect: 17 * 3600 });
    expect(figures(fast).denials_by_reason).toEqual({
      denials: 18,
      reasons: [
        { code: 'ERR_NOT_ADMITTED', registrations: 0, access_checks: 12, total: 12 },
        { code: 'revoked:client_id', registrations: 0, access_checks: 2, total: 2 },
        { code: 'ERR_CIMD_SECRET', registrations: 1, access_checks: 0, total: 1 },
        { code: 'invalid_client_metadata', registrations: 1, access_checks: 0, total: 1 },
        { code: 'invalid_software_statement', registrations: 1, access_checks: 0, total: 1 },
        { code: 'none', registrations: 1, access_checks: 0, total: 1 },
        { code: 'revoked:origin', registrations: 1, access_checks: 0, total: 1 },
      ],
      truncated: false,
    });
    expect(fast.series.points.map((p) => [p.start, p.admissions, p.denials])).toEqual([
      [iso(-18), 2, 1],
      [iso(6), 2, 14],
      [iso(DAY + 6), 2, 2],
      [iso(2 * DAY + 6), 2, 1],
    ]);
  });

  it('reads today live: only the days that have ended are stored', async () => {
    await su.query('DELETE FROM audit_report_days');
    const today = await reportWithSeries(sqlOf(su), WINDOW, at(DAY + 12));
    expect(figures(today)).toEqual(figures(await fromEvents()));
    expect(await days()).toEqual([iso(0)]);
  });

  it('computes a stored day again when events of it arrive later, and leaves the others alone', async () => {
    const pinned = await rolledUpDays(sqlOf(su), WINDOW, LATER);
    const earlier = await buildEvidenceReport(sqlOf(su), WINDOW, LATER, pinned);
    const before = await storedDays();
    await checked(13, 'c1', 'deny', 'local', ['late_code']);
    const fast = await reportWithSeries(sqlOf(su), WINDOW, LATER);
    const live = await fromEvents();
    expect(figures(fast)).toEqual(figures(live));
    expect(fast.series).toEqual(live.series);
    expect(figures(fast).denials_by_reason.denials).toBe(19);
    // A new row for the day, beside the old one (a report that began with it may still read it).
    const after = await storedDays();
    expect(after).toEqual([before[0], { id: expect.any(String), day: iso(0) }, before[1]]);
    expect(Number(after[1].id)).toBeGreaterThan(Number(before[1].id));
    // A report that began before reads the rows it began with, whole.
    expect((await buildEvidenceReport(sqlOf(su), WINDOW, LATER, pinned)).figures).toEqual(earlier.figures);
  });

  it('deletes a row that is no longer current once it is an hour old', async () => {
    const [stale, current] = await storedDays();
    await su.query(`UPDATE audit_report_days SET computed_at = now() - interval '61 minutes' WHERE id IN ($1, $2)`, [stale.id, current.id]);
    await reportWithSeries(sqlOf(su), WINDOW, LATER);
    expect((await storedDays()).map((d) => d.id)).not.toContain(stale.id);
    expect((await storedDays()).map((d) => d.id)).toContain(current.id);
  });

  it('computes a stored day again when the validation of one of its admissions, made the day before, arrives later', async () => {
    await allowed(DAY + 0.001, 'n1', { source: 'software_statement', anchor: 'directory', software_id: 'sw2' }, 'x9');
    expect(figures(await reportWithSeries(sqlOf(su), WINDOW, LATER)).metadata_backing.signed).toBe(3);
    await validated(DAY - 0.001, 'n1', 'software_statement', { statement: { sha256: '9'.repeat(64), anchor: 'directory', alg: 'ES256' } }, 'x9');
    const fast = await reportWithSeries(sqlOf(su), WINDOW, LATER);
    expect(figures(fast)).toEqual(figures(await fromEvents()));
    expect(figures(fast).metadata_backing).toMatchObject({ admissions: 9, signed: 4, backed: 5 });
  });

  it('gives the same series when buckets start off the hour: the hours they start in are binned from the events', async () => {
    // Buckets start at 06:30, inside an hour of each stored day: a denial at 06:45 falls in the bucket it starts, d2's at 06:00 the next day in the one before.
    await checked(6.75, 'c1', 'deny', 'local', ['cut_hour']);
    const offHour = { from: iso(-17.5), to: WINDOW.to };
    const live = await reportSeries(sqlOf(su), offHour, at(-DAY));
    const fast = await reportWithSeries(sqlOf(su), offHour, LATER);
    expect(fast.series).toEqual(live);
    expect(fast.series.points.map((p) => [p.start, p.denials])).toEqual([
      [iso(-17.5), 1],
      [iso(6.5), 17],
      [iso(30.5), 1],
      [iso(54.5), 1],
    ]);
    expect(figures(fast)).toEqual((await buildEvidenceReport(sqlOf(su), offHour, at(-DAY))).figures);
    expect(await days()).toEqual([iso(0), iso(DAY)]);
  });

  /** With no day stored, the report over a connection of its own (set up by `setup`): its figures must be the events'. */
  async function reportOver(url: string, setup?: string): Promise<void> {
    await su.query('DELETE FROM audit_report_days');
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      if (setup) await client.query(setup);
      expect(figures(await reportWithSeries(sqlOf(client), WINDOW, LATER))).toEqual(figures(await fromEvents()));
    } finally {
      await client.end();
    }
  }

  it('cuts days at UTC midnight whatever the session time zone', async () => {
    await reportOver(db.url, `SET TIME ZONE 'America/New_York'`);
    expect(await days()).toEqual([iso(0), iso(DAY)]);
  });

  it('stores days as the app role the audit service connects as', async () => {
    await reportOver(db.appUrl);
    expect(await days()).toEqual([iso(0), iso(DAY)]);
  });

  it('reads every day live, with the same figures, over a connection that may not write', async () => {
    await reportOver(db.url, 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    expect(await storedDays()).toEqual([]);
  });

  it('the audit service stores the 31 whole days before now in the background; a report then reads them and stores nothing', async () => {
    await su.query('DELETE FROM audit_report_days');
    const now = at(2 * DAY + 1);
    await storeRecentDays(sqlOf(su), now);
    const stored = await storedDays();
    expect(stored.map((d) => d.day)).toEqual(Array.from({ length: 31 }, (_, i) => iso((i - 29) * DAY)));
    const fast = await reportWithSeries(sqlOf(su), WINDOW, now);
    expect(await storedDays()).toEqual(stored);
    expect(figures(fast)).toEqual(figures(await fromEvents()));
  });
});
