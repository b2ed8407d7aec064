import { DecisionReason, EventData, Problem, RegistrationError, Topic } from '@admit/contracts';

type Validated = EventData<typeof Topic.RegistrationValidated>;
type Decided = EventData<typeof Topic.RegistrationDecided>;

interface Live {
  sha256: string;
  anchor: string;
  /** Epoch ms of the statement's `iat`. */
  iat: number;
  /** Epoch ms of the admission's end; past it, nothing is live any more. */
  until: number;
}

/** A valid statement for a client whose admission rests on another statement that is not older. */
export const SUPERSEDED_CODE = DecisionReason.StatementSuperseded;
/** The reason an allow carries when a later statement replaced the client's live admission. */
export const REPLACES_CODE = DecisionReason.ReplacesAdmission;

export type Verdict = { kind: 'admit' } | { kind: 'replace'; reason: Problem } | { kind: 'refuse'; reason: Problem };

/**
 * The statement each software-statement client is admitted on, until that admission ends. A client's
 * validated events share its partition, so the instance that decides them sees them in order. A live
 * admission is replaced only by the same statement or a later one (a greater `iat`) from the same
 * anchor, which is how an anchor rotates a client's keys; any other statement is refused, so an older
 * copy cannot roll the client back. Bounded; the oldest entries go first.
 */
export class LiveStatements {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** How a valid statement registration relates to the client's live admission. */
  judge(validated: Validated): Verdict {
    const statement = validated.evidence.statement;
    const live = this.current(validated.client_id);
    if (!statement || !live || statement.sha256 === live.sha256) return { kind: 'admit' };
    const iat = statement.iat === undefined ? Number.NaN : Date.parse(statement.iat);
    if (statement.anchor === live.anchor && iat > live.iat) {
      return { kind: 'replace', reason: { code: REPLACES_CODE, description: `replaces the admission on the statement ${live.sha256} issued at ${iso(live.iat)}` } };
    }
    return {
      kind: 'refuse',
      reason: {
        code: SUPERSEDED_CODE,
        error: RegistrationError.InvalidSoftwareStatement,
        description: `the client is admitted on another statement issued at ${iso(live.iat)}; only a later statement from its anchor replaces it`,
      },
    };
  }

  /** Remembers the statement an allow admitted its client on. */
  admitted(validated: Validated, decided: Decided): void {
    const statement = validated.evidence.statement;
    if (decided.decision !== 'allow' || !decided.admission || !statement?.iat) return;
    this.live.delete(validated.client_id);
    this.live.set(validated.client_id, { sha256: statement.sha256, anchor: statement.anchor, iat: Date.parse(statement.iat), until: Date.parse(decided.admission.expires_at) });
    while (this.live.size > this.maxEntries) this.live.delete(this.live.keys().next().value as string);
  }

  private current(clientId: string): Live | undefined {
    const live = this.live.get(clientId);
    if (live && live.until <= this.now()) this.live.delete(clientId);
    return live && live.until > this.now() ? live : undefined;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
