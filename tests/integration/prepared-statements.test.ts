// Real: prepared statements (`@admit/store`) on PostgreSQL, in a database of its own, and on PGlite in a
// process of its own (PGlite cannot load inside jest); both must come to the same outcome.
import { createDataSource } from '@admit/store';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '../support/database';
import { preparedScenario } from '../support/prepared-scenario';

const ROOT = join(__dirname, '..', '..');
const row = (id: string, n: number) => ({ id, n: String(2 ** 40 + n), at: '2026-06-01T12:00:00.000Z', doc: { id, nested: [1, 'two'] } });
const EXPECTED = {
  one: [row('a', 0)],
  three: [row('b', 0), row('c', 1), row('d', 2)],
  none: [],
  duplicate: '23505',
  afterError: [row('e', 0)],
  rolledBack: 'roll back',
  committed: [row('g', 0)],
  ids: ['a', 'b', 'c', 'd', 'e', 'g', 'run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5'],
};

describe('prepared statements: parsed once per connection, then bound and run', () => {
  it('on PostgreSQL: rows of any count, parsed types, the SQLSTATE of an error and a working statement after it, rollback and commit', async () => {
    const database = await createTestDatabase('prepared');
    const ds = await createDataSource({ url: database.url }).initialize();
    try {
      expect(await preparedScenario(ds)).toEqual(EXPECTED);
    } finally {
      await ds.destroy();
      await database.drop();
    }
  });

  it('on PGlite: the same outcome', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'admit-prepared-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'tests', 'support', 'prepared-on-pglite.ts'), join(dir, 'data')], { cwd: ROOT });
      expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual(EXPECTED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
