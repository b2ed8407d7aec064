import { Static, TSchema } from '@sinclair/typebox';
import { AccessChecked } from './events/access-checked';
import { AdminAction } from './events/admin-action';
import { DeadLetter } from './events/dead-letter';
import { PolicySetPublished } from './events/policy-set';
import { RegistrationDecided } from './events/registration-decided';
import { RegistrationRequested } from './events/registration-requested';
import { RegistrationValidated } from './events/registration-validated';
import { Revocation } from './events/revocation';
import { Topic } from './topics';

export interface EventContract {
  /** Short human title, used in the AsyncAPI document. */
  title: string;
  schema: TSchema;
  /** What the Kafka message key is; it decides per-key ordering. */
  key: string;
  /** Compacted topics keep the latest event per key instead of a retention window. */
  compacted?: boolean;
}

/**
 * The single definition of every event. Each topic carries one event type, and the CloudEvent
 * `type` is the topic name. JSON Schema files, the AsyncAPI document and runtime validators are all
 * derived from this table.
 */
export const catalog = {
  [Topic.RegistrationRequested]: {
    title: 'Registration requested',
    schema: RegistrationRequested,
    key: 'client_id as the producer names it (partitioning only; the ids are Admit\'s, see the validated event)',
  },
  [Topic.RegistrationValidated]: {
    title: 'Registration validated',
    schema: RegistrationValidated,
    key: 'client_id',
  },
  [Topic.RegistrationDecided]: {
    title: 'Registration decided',
    schema: RegistrationDecided,
    key: 'client_id',
  },
  [Topic.AccessChecked]: { title: 'Access checked', schema: AccessChecked, key: 'client_id' },
  [Topic.Revocations]: {
    title: 'Revocation',
    schema: Revocation,
    key: 'kind:value (for example client_id:https://app.example/client)',
    compacted: true,
  },
  [Topic.Policies]: {
    title: 'Policy set',
    schema: PolicySetPublished,
    key: 'active',
    compacted: true,
  },
  [Topic.AdminActions]: { title: 'Admin action', schema: AdminAction, key: 'the actor' },
  [Topic.DeadLetter]: {
    title: 'Dead letter',
    schema: DeadLetter,
    key: 'the key of the dead-lettered event',
  },
} satisfies Record<Topic, EventContract>;

type Catalog = typeof catalog;

/** The `data` of the event carried on topic `T`. */
export type EventData<T extends Topic> = Static<Catalog[T]['schema']>;

/** Whether `topic` is a compacted catalog topic (a table keyed as its contract says). */
export function isCompacted(topic: string): boolean {
  return (catalog as Record<string, EventContract>)[topic]?.compacted === true;
}
