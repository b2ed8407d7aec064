// Real: LiveAdmissions' SQL on PostgreSQL (a database of its own, migrated from the template), as the
// app role the services connect as. Nothing stubbed; the clock is a parameter. (PGlite runs it in the
// embedded e2e suite tests/e2e/client-resolution.test.ts.)
import { RegistrationDecided } from '@admit/contracts';
import { LiveAdmissions } from '@admit/intake';
import { createDataSource } from '@admit/store';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;

function decided(clientId: string, decidedAtMs: number, expiresAtMs: number, extra: Partial<RegistrationDecided> = {}): RegistrationDecided {
  return {
    client_id: clientId,
    decision: 'allow',
    policy_version: `sha256:${'a'.repeat(64)}`,
    determining_policies: ['register-software-statement'],
    reasons: [],
    metadata: { redirect_uris: ['https://app.example/cb'], client_name: `decided at ${decidedAtMs}` },
    admission: {
      source: 'software_statement',
      jkts: [],
      evidence_sha256: 'b'.repeat(64),
      validated_at: new Date(decidedAtMs).toISOString(),
      expires_at: new Date(expiresAtMs).toISOString(),
      flags: [],
    },
    decided_at: new Date(decidedAtMs).toISOString(),
    ...extra,
  };
}

describe('live admissions in PostgreSQL (LiveAdmissions)', () => {
  let database: TestDatabase;
  let db: DataSource;
  let now: number;
  let live: LiveAdmissions;

  beforeAll(async () => {
    database = await createTestDatabase('live_admissions');
    db = await createDataSource({ url: database.appUrl }).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM live_admissions');
    now = NOW;
    live = new LiveAdmissions(db, () => now);
  });

  const rows = async () => Number(((await db.query('SELECT count(*) AS n FROM live_admissions')) as { n: string }[])[0].n);

  it('keeps an allow until its admission expires, the whole decision as it came', async () => {
    const allow = decided('s_a', NOW, NOW + 5 * MINUTE + 500);
    await live.keep(allow);
    await expect(live.find('s_a')).resolves.toEqual(allow);
    await expect(live.find('s_other')).resolves.toBeUndefined();
    now = NOW + 5 * MINUTE - 1;
    await expect(live.find('s_a')).resolves.toEqual(allow);
    // In the second it ends in, it counts as ended: a token's exp (whole seconds) could not be after now.
    now = NOW + 5 * MINUTE + 100;
    await expect(live.find('s_a')).resolves.toBeUndefined();
  });

  it('a later decision replaces an earlier one, never the other way round; a deny replaces nothing', async () => {
    const first = decided('s_a', NOW, NOW + 5 * MINUTE);
    const later = decided('s_a', NOW + 1_000, NOW + 10 * MINUTE);
    await live.keep(later);
    await live.keep(first);
    await expect(live.find('s_a')).resolves.toEqual(later);
    await live.keep(decided('s_a', NOW + 2_000, NOW + 10 * MINUTE, { decision: 'deny', admission: undefined, metadata: undefined }));
    await expect(live.find('s_a')).resolves.toEqual(later);
  });

  it('keeps nothing already expired, forgets on request, and prunes expired rows', async () => {
    await live.keep(decided('s_gone', NOW - MINUTE, NOW - 1));
    expect(await rows()).toBe(0);
    await live.keep(decided('s_short', NOW, NOW + MINUTE));
    await live.keep(decided('s_long', NOW, NOW + 10 * MINUTE));
    await live.forget('s_long');
    await expect(live.find('s_long')).resolves.toBeUndefined();
    await live.prune(NOW + 2 * MINUTE);
    expect(await rows()).toBe(0);
  });

  it('keeps a client id of 2,048 characters', async () => {
    const clientId = `https://client.example/${'a'.repeat(2048 - 'https://client.example/'.length)}`;
    await live.keep(decided(clientId, NOW, NOW + MINUTE));
    await expect(live.find(clientId)).resolves.toMatchObject({ client_id: clientId });
  });

  it('keeps decisions made at once in groups, the latest per client, and a bad one fails alone', async () => {
    // The rows of each upsert, as the prepared statement's first column (the client ids) reaches the pool.
    const statements: string[][] = [];
    const pool = (db.driver as unknown as { master: { query: (config: { name?: string; values?: unknown[] }) => Promise<unknown> } }).master;
    const query = pool.query.bind(pool);
    const spy = jest.spyOn(pool, 'query').mockImplementation((config) => {
      if (config.name === 'admit_live_admissions_upsert') statements.push(config.values?.[0] as string[]);
      return query(config);
    });
    try {
      const many = Array.from({ length: 50 }, (_, i) => decided(`s_${i}`, NOW, NOW + MINUTE));
      const earlier = decided('s_7', NOW - 1_000, NOW + MINUTE);
      const tooLong = decided(`s_${'x'.repeat(2048)}`, NOW, NOW + MINUTE);
      const kept = await Promise.allSettled([...many.slice(0, 25), earlier, tooLong, ...many.slice(25)].map((d) => live.keep(d)));
      expect(kept.filter((k) => k.status === 'rejected')).toHaveLength(1);
      expect((kept[26] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/live_admissions_client_id_check/) });
      expect(await rows()).toBe(50);
      await expect(live.find('s_7')).resolves.toEqual(many[7]);
      // The first keep went alone; the rest waited for it and went together in one statement (s_7 once),
      // which the bad row failed, so they went again one at a time.
      expect(statements[1]).toHaveLength(kept.length - 2);
      expect(statements).toHaveLength(2 + (kept.length - 1));
    } finally {
      spy.mockRestore();
    }
  });
});
