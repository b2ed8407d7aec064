import { JtiClaim } from './jti-ledger';
import { Jtis } from './client-assertion';

/**
 * For unit specs only: the jti ledger's rules in a Map, since PGlite cannot load inside jest. The SQL
 * ledger itself is proved on PostgreSQL (tests/integration/jti-ledger.test.ts) and, embedded, end to end.
 */
export class TestingJtis implements Jtis {
  private readonly rows = new Map<string, { clientId: string; expiresAtMs: number }>();

  constructor(readonly quota = 10_000) {}

  async claim(clientId: string, jti: string, expiresAtMs: number, nowMs: number): Promise<JtiClaim> {
    const key = `${clientId}\0${jti}`;
    if (this.rows.has(key)) return 'replayed';
    const held = [...this.rows.values()].filter((r) => r.clientId === clientId && r.expiresAtMs > nowMs).length;
    if (held >= this.quota) return 'over_quota';
    this.rows.set(key, { clientId, expiresAtMs });
    return 'accepted';
  }

  async used(clientId: string, jti: string): Promise<boolean> {
    return this.rows.has(`${clientId}\0${jti}`);
  }
}
