import { EventData, MetadataSource, Problem, RegistrationError, Topic } from '@admit/contracts';

/** A validated event before it is stamped with its time. */
export type Validation = Omit<EventData<typeof Topic.RegistrationValidated>, 'validated_at'>;

export function failed(clientId: string, source: MetadataSource, errors: Problem[], extra: Partial<Validation> = {}): Validation {
  return { client_id: clientId, source, outcome: 'invalid', errors, evidence: {}, jkts: [], ...extra };
}

/**
 * A refusal of the federation and SPIFFE sources: its code leads the description, since a registering
 * caller's answer carries only the RFC 7591 error and the description.
 */
export function codedProblem(code: string, description: string): Problem {
  return { code, description: `${code}: ${description}`.slice(0, 2048), error: RegistrationError.InvalidClientMetadata };
}
