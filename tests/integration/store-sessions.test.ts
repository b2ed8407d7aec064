// Real: the store's sessions on PostgreSQL, in a database of their own.
import { createDataSource } from '@admit/store';
import { createTestDatabase } from '../support/database';

describe('store sessions on PostgreSQL', () => {
  it('compile no plan with JIT, on every connection of the pool (a plan over the daily partitions spent seconds compiling)', async () => {
    const database = await createTestDatabase('sessions');
    const ds = await createDataSource({ url: database.url }).initialize();
    const runners = [ds.createQueryRunner(), ds.createQueryRunner(), ds.createQueryRunner()];
    try {
      for (const runner of runners) await runner.connect();
      const rows: { jit: string; pid: number }[][] = await Promise.all(runners.map((r) => r.query(`SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid`)));
      expect(new Set(rows.map(([row]) => row.pid)).size).toBe(3);
      expect(rows.map(([row]) => row.jit)).toEqual(['off', 'off', 'off']);
    } finally {
      for (const runner of runners) await runner.release();
      await ds.destroy();
      await database.drop();
    }
  });
});
