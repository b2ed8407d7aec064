/**
 * Every Kafka topic Admit reads or writes. Topic names are public API: a breaking change to an
 * event gets a new `.vN` topic, never an edited schema.
 */
export const Topic = {
  RegistrationRequested: 'admit.registration.requested.v1',
  RegistrationValidated: 'admit.registration.validated.v1',
  RegistrationDecided: 'admit.registration.decided.v1',
  AccessChecked: 'admit.access.checked.v1',
  Revocations: 'admit.revocations.v1',
  Policies: 'admit.policies.v1',
  AdminActions: 'admit.admin.actions.v1',
  DeadLetter: 'admit.dlq.v1',
} as const;

export type Topic = (typeof Topic)[keyof typeof Topic];

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);

/** The five services; each is also the consumer-group name and the CloudEvent source. */
export const SERVICES = ['intake', 'validator', 'policy', 'revocation', 'audit'] as const;
export type ServiceName = (typeof SERVICES)[number];
