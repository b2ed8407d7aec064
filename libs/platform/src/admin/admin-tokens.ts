import { timingSafeEqual } from 'node:crypto';
import { AdminScope } from './admin-scope';
import { hashAdminToken } from './admin-token';

/** Who presented a known admin token: its name (never the token) and what it may do. */
export interface AdminPrincipal {
  readonly name: string;
  readonly scopes: readonly AdminScope[];
}

interface Entry extends AdminPrincipal {
  readonly digest: Buffer;
}

/** The admin credentials a process accepts, held only as SHA-256 digests. */
export class AdminTokens {
  private readonly entries: readonly Entry[];

  constructor(
    entries: readonly { name: string; sha256: string; scopes: readonly AdminScope[] }[],
    // Injectable so a spec can see every comparison happen; always node's constant-time compare otherwise.
    private readonly compare: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
  ) {
    this.entries = entries.map((e) => Object.freeze({ name: e.name, scopes: Object.freeze([...e.scopes]), digest: Buffer.from(e.sha256, 'hex') }));
  }

  /** No credentials: every admin route answers 401. */
  static none(): AdminTokens {
    return new AdminTokens([]);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The principal whose digest matches the token's, or undefined. Every entry is compared, with
   * `timingSafeEqual` and without an early exit, so the time taken says nothing about which entry
   * (or how much of one) matched.
   */
  authenticate(token: string): AdminPrincipal | undefined {
    const digest = Buffer.from(hashAdminToken(token), 'hex');
    let found: Entry | undefined;
    for (const entry of this.entries) {
      const same = this.compare(digest, entry.digest);
      found = same && found === undefined ? entry : found;
    }
    return found && { name: found.name, scopes: found.scopes };
  }
}
