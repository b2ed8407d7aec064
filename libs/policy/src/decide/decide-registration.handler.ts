import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Publisher, recordChildSpan, spanSink, TransientError } from '@admit/bus';
import { ActivePolicy, checkRevoked, decideRegistration, PolicyNotReadyError, PolicySet } from '@admit/cedar';
import { CloudEvent, EventData, Problem, RegistrationError, Topic } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { LiveStatements } from './live-statements';

type Validated = EventData<typeof Topic.RegistrationValidated>;
type Decided = EventData<typeof Topic.RegistrationDecided>;

/** Decides each validated registration under the active policy set, the one read back from `admit.policies.v1`. */
@Controller()
export class DecideRegistrationHandler {
  constructor(
    private readonly publisher: Publisher,
    private readonly active: ActivePolicy,
    private readonly revocations: RevocationSet,
    private readonly statements: LiveStatements,
  ) {}

  @EventPattern(Topic.RegistrationValidated, consumer('policy'))
  async onValidated(@Payload() event: CloudEvent<typeof Topic.RegistrationValidated>): Promise<void> {
    const policies = this.policies();
    // Until the revocation set is read to its end, a revoked client could slip through: wait instead.
    if (!this.revocations.ready) throw new TransientError('the revocation set is not loaded yet');
    // A revoked client is denied before any policy is asked: revocation overrides every permit.
    const revoked = checkRevoked(this.revocations, event.data);
    const decided = revoked ? refusedDecision(event.data, { ...revoked, error: RegistrationError.InvalidClientMetadata }, policies.version) : this.decide(event.data, policies);
    await this.publisher.publish(Topic.RegistrationDecided, decided, {
      cause: event,
      subject: event.data.client_id,
    });
  }

  /**
   * A valid statement registration for a client admitted on another statement is decided only when
   * it may replace that admission; the replacement is recorded in the allow's reasons.
   */
  private decide(validated: Validated, policies: PolicySet): Decided {
    const verdict = validated.outcome === 'valid' ? this.statements.judge(validated) : { kind: 'admit' as const };
    if (verdict.kind === 'refuse') return refusedDecision(validated, verdict.reason, policies.version);
    const startMs = spanSink() ? Date.now() : 0;
    const decided = decideRegistration(policies, validated);
    recordChildSpan('cedar decide registration', startMs, { 'admit.decision': decided.decision, 'admit.policy_version': policies.version });
    this.statements.admitted(validated, decided);
    if (verdict.kind === 'replace' && decided.decision === 'allow') decided.reasons = [...decided.reasons, verdict.reason].slice(-64);
    return decided;
  }

  private policies() {
    try {
      return this.active.current();
    } catch (err) {
      // Only at start, before the published set is read back: wait for it rather than dead-letter.
      if (err instanceof PolicyNotReadyError) throw new TransientError(err.message);
      throw err;
    }
  }
}

/** A deny reached before any policy is asked. */
function refusedDecision(validated: Validated, reason: Problem, policyVersion: string): Decided {
  return {
    client_id: validated.client_id,
    decision: 'deny',
    policy_version: policyVersion,
    determining_policies: [],
    reasons: [reason],
    error: reason.error ?? RegistrationError.InvalidClientMetadata,
    decided_at: new Date().toISOString(),
  };
}
