import { EventData, MetadataSource, Problem, Topic } from '@admit/contracts';
export { codedProblem } from '@admit/trust';

/** A validated event before it is stamped with its time. */
export type Validation = Omit<EventData<typeof Topic.RegistrationValidated>, 'validated_at'>;

export function failed(clientId: string, source: MetadataSource, errors: Problem[], extra: Partial<Validation> = {}): Validation {
  return { client_id: clientId, source, outcome: 'invalid', errors, evidence: {}, jkts: [], ...extra };
}
