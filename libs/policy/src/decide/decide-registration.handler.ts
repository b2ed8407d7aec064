import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Publisher } from '@admit/bus';
import { CloudEvent, EventData, RegistrationError, Topic } from '@admit/contracts';
import { PolicySet } from '../cedar/policy-set';

type Validated = EventData<typeof Topic.RegistrationValidated>;
type Decided = EventData<typeof Topic.RegistrationDecided>;

@Controller()
export class DecideRegistrationHandler {
  constructor(
    private readonly publisher: Publisher,
    private readonly policies: PolicySet,
  ) {}

  @EventPattern(Topic.RegistrationValidated, consumer('policy'))
  async onValidated(@Payload() event: CloudEvent<typeof Topic.RegistrationValidated>): Promise<void> {
    await this.publisher.publish(Topic.RegistrationDecided, decide(this.policies, event.data), {
      cause: event,
      subject: event.data.client_id,
    });
  }
}

export function decide(policies: PolicySet, validated: Validated): Decided {
  const base = { client_id: validated.client_id, policy_version: policies.version, decided_at: new Date().toISOString() };
  // Failed validation always means deny; the policy never gets to overrule it.
  if (validated.outcome === 'invalid' || !validated.metadata) {
    const reasons = validated.errors.length > 0 ? validated.errors : [{ code: RegistrationError.InvalidClientMetadata, description: 'validation failed' }];
    return { ...base, decision: 'deny', determining_policies: [], reasons, error: reasons[0].code };
  }
  const result = policies.isAuthorized({
    principal: { type: 'Admit::Client', id: validated.client_id },
    action: { type: 'Admit::Action', id: 'register' },
    resource: { type: 'Admit::Registry', id: 'admit' },
    context: {},
    entities: [{ uid: { type: 'Admit::Client', id: validated.client_id }, attrs: { source: validated.source }, parents: [] }],
  });
  if (result.decision === 'allow') {
    return {
      ...base,
      decision: 'allow',
      determining_policies: result.determining,
      reasons: result.determining.map((id) => ({ code: id, description: `permitted by policy ${id}` })),
      metadata: validated.metadata,
    };
  }
  const reasons = [
    ...result.determining.map((id) => ({ code: id, description: `forbidden by policy ${id}` })),
    ...result.errors.map((message) => ({ code: 'policy_error', description: message })),
  ];
  return {
    ...base,
    decision: 'deny',
    determining_policies: result.determining,
    reasons: reasons.length > 0 ? reasons : [{ code: 'no_permit', description: 'no policy permits this registration' }],
    error: RegistrationError.InvalidClientMetadata,
  };
}
