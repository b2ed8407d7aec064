import { CloudEvent } from '@admit/contracts';

/** How one delivery ended for its handlers. */
export type HandlerOutcome = 'ok' | 'failed' | 'transient';

/**
 * What the bus reports for operators. Declared here so the bus needs no metrics library; platform
 * implements it with prom-client. Calls must be cheap and never throw.
 */
export interface BusMetrics {
  /** One handler run (of one event, or one batch) took `seconds`. */
  handled(consumer: string, topic: string, outcome: HandlerOutcome, seconds: number): void;
  deadLettered(consumer: string, topic: string, reason: string): void;
  /** An event this process put on the bus. */
  published(event: CloudEvent): void;
}

export const BUS_METRICS = Symbol('BUS_METRICS');

export const noBusMetrics: BusMetrics = {
  handled: () => undefined,
  deadLettered: () => undefined,
  published: () => undefined,
};

/** One consumer group's lag on one partition: messages on the partition its committed offset has not reached. */
export interface LagSample {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}
