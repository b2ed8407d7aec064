import { StoredEvent } from '../chain/stored-event';

/** A stored event as the API, the CLI and exports show it: the CloudEvent, where it was stored, and when. */
export interface AuditEventView {
  seq: string;
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: string;
  correlationid: string;
  causationid?: string;
  data: unknown;
  topic: string;
  partition: number;
  offset: string;
  recorded_at: string;
}

export function toView(e: StoredEvent): AuditEventView {
  return {
    seq: e.seq,
    id: e.event_id,
    type: e.type,
    source: e.source,
    ...(e.subject === null ? {} : { subject: e.subject }),
    time: e.event_time.toISOString(),
    correlationid: e.correlation_id,
    ...(e.causation_id === null ? {} : { causationid: e.causation_id }),
    data: e.data,
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    recorded_at: e.recorded_at.toISOString(),
  };
}
