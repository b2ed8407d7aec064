/**
 * The client-assertion jti check on its own: JtiLedger.claim, the one statement an access check with
 * a client assertion adds (the insert into the (client_id, jti) key, guarded by the client's quota),
 * against PostgreSQL and against PGlite, each beside a plain INSERT of the same rows into a table with
 * no index, in the same run; and the same check for one client holding nearly its quota, whose count
 * reads that many index entries.
 */
import 'reflect-metadata';
import { INTAKE_MIGRATIONS, JtiLedger } from '@admit/intake';
import { dropDatabase, ensureDatabase } from '@admit/launcher';
import { createDataSource, migrate, StoreLocation } from '@admit/store';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Figure, figure, timeConcurrent } from './figures';
import { bench, BENCH_SERVER_URL as SERVER_URL } from './bench-config';

const CHECKS = bench.BENCH_JTI_CHECKS;
/** Checks are spread over this many clients, so each holds a few dozen unexpired jtis, not one. */
const CLIENTS = 1_000;
/** Checks of the one client near its quota (the guard's worst case). */
const HEAVY_CHECKS = 1_000;
/** PostgreSQL serves concurrent checks on several connections; PGlite has one, so one at a time. */
const CONCURRENCY = { postgres: 8, pglite: 1 };

export async function jtiCheckFigures(): Promise<Figure[]> {
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/admit_bench_jti_${suffix}` }).toString();
  await ensureDatabase(databaseUrl);
  const figures: Figure[] = [];
  try {
    figures.push(...(await measure('PostgreSQL', { url: databaseUrl }, CONCURRENCY.postgres)));
  } finally {
    await dropDatabase(databaseUrl);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'admit-bench-jti-'));
  try {
    figures.push(...(await measure('PGlite', { dataDir }, CONCURRENCY.pglite)));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}

async function measure(store: string, location: StoreLocation, concurrency: number): Promise<Figure[]> {
  const db = await createDataSource(location).initialize();
  try {
    await migrate(db, INTAKE_MIGRATIONS);
    await db.query('CREATE TABLE bench_plain_jtis (client_id text, jti text, expires_at timestamptz)');
    const ledger = new JtiLedger(db);
    const now = Date.now();
    const row = (i: number) => [`s_bench_${i % CLIENTS}`, `${randomBytes(12).toString('base64url')}-${i}`, now + 5 * 60_000] as const;
    const claim = async (i: number) => {
      const [clientId, jti, expiresAt] = row(i);
      if ((await ledger.claim(clientId, jti, expiresAt, now)) !== 'accepted') throw new Error('jti bench: a fresh jti was not accepted');
    };
    const plain = async (i: number) => {
      const [clientId, jti, expiresAt] = row(i);
      await db.query('INSERT INTO bench_plain_jtis VALUES ($1, $2, $3)', [clientId, jti, new Date(expiresAt).toISOString()]);
    };
    // Warm both paths, then the reference first, as the other rows do.
    await timeConcurrent(500, concurrency, (i) => plain(CHECKS + i));
    await timeConcurrent(500, concurrency, (i) => claim(CHECKS + i));
    const reference = await timeConcurrent(CHECKS, concurrency, plain);
    const checks = await timeConcurrent(CHECKS, concurrency, claim);
    // The quota guard's worst case: one client holding nearly its quota, whose count reads that many index entries.
    await db.query(`INSERT INTO client_assertion_jtis SELECT 's_heavy', rpad('held-' || g, 43, '.'), $1 FROM generate_series(1, $2::int) g`, [
      new Date(now + 5 * 60_000).toISOString(),
      ledger.quota - HEAVY_CHECKS,
    ]);
    const heavy = await timeConcurrent(HEAVY_CHECKS, concurrency, async (i) => {
      if ((await ledger.claim('s_heavy', `heavy-${i}`, now + 5 * 60_000, now)) !== 'accepted') throw new Error('jti bench: the heavy client was refused below its quota');
    });
    const at = `${concurrency} at a time (${store})`;
    const toPlain = (rate: number) => ({ to: 'plain insert, no index', value: rate / reference.rate });
    return [
      figure(`client-assertion jti check (insert into the unique key, quota-guarded), ${CLIENTS} clients, ${at}`, checks.latencies, { rate: checks.rate, ratio: toPlain(checks.rate) }),
      figure(`client-assertion jti check, one client holding ${ledger.quota - HEAVY_CHECKS}+ of its ${ledger.quota} quota, ${at}`, heavy.latencies, {
        rate: heavy.rate,
        ratio: toPlain(heavy.rate),
      }),
      figure(`plain INSERT of the same rows into a table with no index, ${at}`, reference.latencies, { rate: reference.rate }),
    ];
  } finally {
    await db.destroy();
  }
}

// `tsx tools/bench/jti.ts` runs this figure alone.
if (require.main === module) {
  jtiCheckFigures().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
