// Real: the JtiLedger's SQL on PostgreSQL (a database of its own, migrated from the template), as the
// app role the services connect as. Nothing stubbed; the clock is a parameter. (PGlite runs it in the
// embedded e2e suites: it cannot load inside jest.)
import { JtiLedger } from '@admit/intake';
import { createDataSource } from '@admit/store';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/poll';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;

describe('client-assertion jtis in PostgreSQL (JtiLedger)', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('jti_ledger');
    db = await createDataSource({ url: database.appUrl }).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });
  beforeEach(() => db.query('DELETE FROM client_assertion_jtis'));

  const held = async (clientId: string) => Number(((await db.query('SELECT count(*) AS n FROM client_assertion_jtis WHERE client_id = $1', [clientId])) as { n: string }[])[0].n);

  it('accepts a jti once per client; the same jti of another client is its own', async () => {
    const ledger = new JtiLedger(db, 5);
    await expect(ledger.claim('s_a', 'j1', NOW + MINUTE, NOW)).resolves.toBe('accepted');
    await expect(ledger.claim('s_a', 'j1', NOW + MINUTE, NOW)).resolves.toBe('replayed');
    await expect(ledger.claim('s_b', 'j1', NOW + MINUTE, NOW)).resolves.toBe('accepted');
    await expect(ledger.used('s_a', 'j1')).resolves.toBe(true);
    await expect(ledger.used('s_a', 'j2')).resolves.toBe(false);
  });

  it('a jti of any text (a NUL character, a lone surrogate, 256 four-byte characters) of a client id of 2,048 characters is kept, and replayed is refused', async () => {
    const ledger = new JtiLedger(db);
    const clientId = `https://client.example/${'a'.repeat(2048 - 'https://client.example/'.length)}`;
    for (const jti of ['nul\u0000jti', '\u{1F600}'.repeat(256), '\uD800']) {
      await expect(ledger.claim(clientId, jti, NOW + MINUTE, NOW)).resolves.toBe('accepted');
      await expect(ledger.claim(clientId, jti, NOW + MINUTE, NOW)).resolves.toBe('replayed');
    }
  });

  it('replay at a second intake: another ledger on the same database refuses the jti', async () => {
    await expect(new JtiLedger(db).claim('s_a', 'j1', NOW + MINUTE, NOW)).resolves.toBe('accepted');
    await expect(new JtiLedger(db).claim('s_a', 'j1', NOW + MINUTE, NOW)).resolves.toBe('replayed');
  });

  it('replay at once: of concurrent claims of one jti, exactly one is accepted', async () => {
    const ledgers = Array.from({ length: 8 }, () => new JtiLedger(db));
    const claims = await Promise.all(ledgers.map((l) => l.claim('s_a', 'race', NOW + MINUTE, NOW)));
    expect(claims.filter((c) => c === 'accepted')).toHaveLength(1);
    expect(claims.filter((c) => c === 'replayed')).toHaveLength(7);
  });

  it('quota: a client holding its quota of unexpired jtis is refused, and another client is not', async () => {
    const ledger = new JtiLedger(db, 3);
    for (let i = 0; i < 3; i++) await expect(ledger.claim('s_greedy', `j${i}`, NOW + MINUTE, NOW)).resolves.toBe('accepted');
    await expect(ledger.claim('s_greedy', 'j3', NOW + MINUTE, NOW)).resolves.toBe('over_quota');
    await expect(ledger.claim('s_other', 'j0', NOW + MINUTE, NOW)).resolves.toBe('accepted');
    // A replay is still called a replay when the quota is full.
    await expect(ledger.claim('s_greedy', 'j0', NOW + MINUTE, NOW)).resolves.toBe('replayed');
    expect(await held('s_greedy')).toBe(3);
  });

  it('claims made at once through one ledger go together, and still: one key is accepted once, and a client gets no more than its quota', async () => {
    const ledger = new JtiLedger(db, 5);
    const claim = (clientId: string, jti: string) => ledger.claim(clientId, jti, NOW + MINUTE, NOW);
    const same = await Promise.all(Array.from({ length: 8 }, () => claim('s_a', 'race')));
    expect(same.filter((c) => c === 'accepted')).toHaveLength(1);
    expect(same.filter((c) => c === 'replayed')).toHaveLength(7);
    // s_a holds one; of 8 new jtis at once, 4 fit; s_b's claims in the same groups are its own.
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => [claim('s_a', `j${i}`), claim('s_b', `j${i}`)]).flat());
    expect(many.filter((c, i) => i % 2 === 0 && c === 'accepted')).toHaveLength(4);
    expect(many.filter((c, i) => i % 2 === 0 && c === 'over_quota')).toHaveLength(4);
    expect(many.filter((c, i) => i % 2 === 1 && c === 'accepted')).toHaveLength(5);
    expect([await held('s_a'), await held('s_b')]).toEqual([5, 5]);
  });

  it('quota: expired jtis no longer count, and the client gets room again when they expire', async () => {
    const ledger = new JtiLedger(db, 2);
    await ledger.claim('s_a', 'short', NOW + MINUTE, NOW);
    await ledger.claim('s_a', 'long', NOW + 10 * MINUTE, NOW);
    await expect(ledger.claim('s_a', 'x', NOW + MINUTE, NOW)).resolves.toBe('over_quota');
    await expect(ledger.claim('s_a', 'x', NOW + 2 * MINUTE, NOW + MINUTE)).resolves.toBe('accepted');
  });

  it('prune deletes exactly the expired rows', async () => {
    const ledger = new JtiLedger(db);
    await ledger.claim('s_a', 'expires', NOW + MINUTE, NOW);
    await ledger.claim('s_a', 'stays', NOW + 10 * MINUTE, NOW);
    await ledger.prune(NOW + MINUTE);
    await expect(ledger.used('s_a', 'expires')).resolves.toBe(false);
    await expect(ledger.used('s_a', 'stays')).resolves.toBe(true);
  });

  it('claims prune expired rows once a minute, by themselves', async () => {
    const ledger = new JtiLedger(db);
    await ledger.claim('s_a', 'old', NOW + 30_000, NOW); // the first claim prunes (nothing yet)
    await ledger.claim('s_a', 'new', NOW + 10 * MINUTE, NOW + MINUTE - 1);
    expect(await held('s_a')).toBe(2); // expired, not pruned within the minute
    await ledger.claim('s_a', 'newer', NOW + 10 * MINUTE, NOW + MINUTE);
    await eventually('the expired jti pruned', async () => ((await ledger.used('s_a', 'old')) ? undefined : true));
    expect(await held('s_a')).toBe(2);
  });
});
