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
    return { ...base, decision: 'deny', determining_policies: [], reasons, error: reasons[0].error ?? reasons[0].code };
  }
  const result = policies.isAuthorized({
    principal: { type: 'Admit::Client', id: validated.client_id },
    action: { type: 'Admit::Action', id: 'register' },
    resource: { type: 'Admit::Registry', id: 'admit' },
    context: {},
    entities: [{ uid: { type: 'Admit::Client', id: validated.client_id }, attrs: clientAttributes(validated), parents: [] }],
  });
  const ids = result.determining.join(', ');
  if (result.decision === 'allow') {
    return {
      ...base,
      decision: 'allow',
      determining_policies: result.determining,
      reasons: [{ code: 'permitted', description: clip(`permitted by ${ids}`) }],
      metadata: validated.metadata,
    };
  }
  const reasons = [
    ...(ids ? [{ code: 'forbidden', description: clip(`forbidden by ${ids}`) }] : []),
    ...result.errors.slice(0, 8).map((message) => ({ code: 'policy_error', description: clip(message) })),
  ];
  return {
    ...base,
    decision: 'deny',
    determining_policies: result.determining,
    reasons: reasons.length > 0 ? reasons : [{ code: 'no_permit', description: 'no policy permits this registration' }],
    error: RegistrationError.InvalidClientMetadata,
  };
}

/** What Cedar policies can see of the client; optional attributes only when validation established them. */
function clientAttributes(v: Validated): Record<string, string | string[]> {
  const attrs: Record<string, string | string[]> = { source: v.source, jkts: v.jkts };
  for (const name of ['anchor', 'software_id', 'origin'] as const) {
    const value = v[name];
    if (value !== undefined) attrs[name] = value;
  }
  return attrs;
}

/** Reason descriptions are bounded by the contract; the policy ids are in full in determining_policies. */
function clip(text: string): string {
  return text.length > 2048 ? `${text.slice(0, 2045)}...` : text;
}
