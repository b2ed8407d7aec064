import type { MetricsPort } from '@admit/metadata';
import { StatementContext, StatementVerification, statementSha256, verifySoftwareStatement } from './verify-statement';

type Verified = Extract<StatementVerification, { ok: true }>;

/**
 * Verifies software statements, remembering the ones that verified. The same statement bytes always
 * verify the same way until a time rule would change the answer, so a hit is kept only until the
 * statement expires or outgrows its anchor's maximum age, whichever is first. Failures are never
 * kept. Revoking an anchor must purge it: a hit does not look at the anchor's current keys.
 */
export class StatementVerifier {
  private readonly verified = new Map<string, { result: Verified; until: number }>();

  constructor(
    private readonly ctx: StatementContext,
    private readonly maxEntries = 10_000,
    /** Counts hits and misses of the remembered statements. */
    private readonly metrics?: MetricsPort,
  ) {}

  async verify(jwt: string): Promise<StatementVerification> {
    const key = typeof jwt === 'string' ? statementSha256(jwt) : '';
    const now = this.ctx.clock().getTime();
    const hit = this.verified.get(key);
    this.metrics?.cacheLookup('statement', hit !== undefined && hit.until > now);
    if (hit && hit.until > now) return hit.result;
    if (hit) this.verified.delete(key);

    // The key is the statement's evidence hash: computed once, and one string for both.
    const result = await verifySoftwareStatement(jwt, this.ctx, key);
    if (result.ok) {
      const until = Math.min(result.claims.exp, result.claims.iat + result.anchor.maxAgeS) * 1000;
      this.verified.set(key, { result, until });
      // Maps iterate in insertion order, so the first entry is the oldest.
      if (this.verified.size > this.maxEntries) this.verified.delete(this.verified.keys().next().value as string);
    }
    return result;
  }

  /** Forgets every statement of one anchor, and the anchor's fetched keys. */
  purgeAnchor(anchorId: string): void {
    for (const [key, entry] of this.verified) if (entry.result.anchor.id === anchorId) this.verified.delete(key);
    this.ctx.keys.purge(anchorId);
  }
}
