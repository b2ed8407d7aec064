/** One row of audit_events as the chain and the queries read it (bigints as decimal strings). */
export interface StoredEvent {
  seq: string;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  correlation_id: string;
  causation_id: string | null;
  event_time: Date;
  topic: string;
  partition: number;
  offset: string;
  data: unknown;
  recorded_at: Date;
}

/** The columns of a StoredEvent, for SELECT lists; `e` is the table's alias. */
export const STORED_EVENT_COLUMNS = `e.seq::text AS seq, e.event_id, e.type, e.source, e.subject, e.correlation_id, e.causation_id,
  e.event_time, e.topic, e.partition, e."offset"::text AS "offset", e.data, e.recorded_at`;
