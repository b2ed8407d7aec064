import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { StoredEvent } from './stored-event';

/** The `prev_hash` of a chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a link hashes: the event as stored, as a CloudEvent, with where it was stored. */
export type ChainedFields = Pick<
  StoredEvent,
  'event_id' | 'type' | 'source' | 'subject' | 'correlation_id' | 'causation_id' | 'event_time' | 'topic' | 'partition' | 'offset' | 'data'
>;

/**
 * The record a link commits to. Built from the stored columns only (never from the message as it
 * arrived), so anyone can recompute it from the database: `time` is the stored instant in ISO 8601
 * with milliseconds, absent `subject`/`causationid` are left out, and `traceparent` (operational, not
 * evidence) is not stored and not hashed.
 */
export function chainedRecord(e: ChainedFields): Record<string, unknown> {
  return {
    event: {
      specversion: '1.0',
      id: e.event_id,
      source: e.source,
      type: e.type,
      time: e.event_time.toISOString(),
      ...(e.subject === null ? {} : { subject: e.subject }),
      datacontenttype: 'application/json',
      correlationid: e.correlation_id,
      ...(e.causation_id === null ? {} : { causationid: e.causation_id }),
      data: e.data,
    },
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
  };
}

/** The RFC 8785 canonical JSON of the record (what is hashed, byte for byte). */
export function canonicalRecord(e: ChainedFields): string {
  const text = canonicalize(chainedRecord(e));
  // Unreachable for rows read from jsonb; a record that cannot be canonicalized must not be chained.
  if (text === undefined) throw new Error(`event ${e.event_id} cannot be canonicalized`);
  return text;
}

/** hex SHA-256 of `prev_hash` (64 hex characters) followed by the record's canonical JSON, both UTF-8. */
export function linkHash(prevHash: string, e: ChainedFields): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalRecord(e), 'utf8').digest('hex');
}
