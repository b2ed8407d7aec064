import { parsedJson } from './parsed';
import { CloudEvent, isTraceparent } from './cloudevent';
import { DeadLetterReason } from './errors';
import { isStorableText } from './storable-text';
import { checkEventData, isKnownType } from './validation';

/** A message as it travels on the bus: Kafka binary content mode. */
export interface WireMessage {
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

/** Header values as kafkajs hands them over. */
export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export type DecodeResult =
  | { ok: true; event: CloudEvent }
  | { ok: false; code: DeadLetterReason; message: string };

const REQUIRED = ['specversion', 'id', 'source', 'type', 'time'] as const;
const OPTIONAL = ['subject', 'correlationid', 'causationid', 'replyto'] as const;
const MAX_ATTRIBUTE = 2048;
/** CloudEvents 1.0 `time`: RFC 3339, so Date.parse's other formats ("0", "March 7") are refused. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function encodeEvent(event: CloudEvent): WireMessage {
  const headers: Record<string, string> = { 'content-type': event.datacontenttype, traceparent: event.traceparent };
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const value = event[name];
    if (value !== undefined) headers[`ce_${name}`] = value;
  }
  return { key: event.subject ?? null, headers, value: Buffer.from(JSON.stringify(event.data)) };
}

/** Flattens kafkajs headers to strings; a repeated header keeps its last value. */
export function headersToStrings(raw: RawHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name.toLowerCase()] = last.toString();
  }
  return out;
}

/**
 * Decodes and validates a binary-mode CloudEvent read from `topic`. Never throws: anything that is
 * not a valid event of the type the topic carries comes back with a dead-letter reason.
 */
export function decodeEvent(topic: string, headers: Record<string, string>, value: Buffer | null): DecodeResult {
  const fail = (code: DeadLetterReason, message: string): DecodeResult => ({ ok: false, code, message });
  for (const name of REQUIRED) {
    if (!headers[`ce_${name}`]) return fail(DeadLetterReason.Malformed, `missing header ce_${name}`);
  }
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    if ((headers[`ce_${name}`]?.length ?? 0) > MAX_ATTRIBUTE) return fail(DeadLetterReason.Malformed, `header ce_${name} is too long`);
    // The attributes become columns of the audit store, which can keep no NUL character.
    if (!isStorableText(headers[`ce_${name}`] ?? '')) return fail(DeadLetterReason.Malformed, `header ce_${name} holds a NUL character or a lone UTF-16 surrogate`);
  }
  if (headers.ce_specversion !== '1.0') {
    return fail(DeadLetterReason.Malformed, `unsupported ce_specversion ${JSON.stringify(headers.ce_specversion.slice(0, 16))}`);
  }
  if (!RFC3339.test(headers.ce_time) || Number.isNaN(Date.parse(headers.ce_time))) {
    return fail(DeadLetterReason.Malformed, 'ce_time is not an RFC 3339 timestamp');
  }
  const contentType = headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return fail(DeadLetterReason.Malformed, 'content-type must be application/json');
  }
  const type = headers.ce_type;
  if (!isKnownType(type)) return fail(DeadLetterReason.UnknownType, `unknown event type ${JSON.stringify(type.slice(0, 128))}`);
  if (type !== topic) return fail(DeadLetterReason.UnknownType, `${type} does not belong on ${topic}`);
  if (value === null) return fail(DeadLetterReason.Malformed, 'body is empty');

  const data = parsedJson(value.toString('utf8'));
  if (data === undefined) return fail(DeadLetterReason.Malformed, 'body is not JSON');
  const invalid = checkEventData(type, data);
  if (invalid) return fail(DeadLetterReason.Invalid, invalid);

  const traceparent = headers.traceparent;
  const event = {
    specversion: '1.0',
    id: headers.ce_id,
    source: headers.ce_source,
    type,
    time: headers.ce_time,
    datacontenttype: 'application/json',
    correlationid: headers.ce_correlationid ?? headers.ce_id,
    traceparent: traceparent && isTraceparent(traceparent) ? traceparent : '',
    data,
  } as CloudEvent;
  if (headers.ce_subject) event.subject = headers.ce_subject;
  if (headers.ce_causationid) event.causationid = headers.ce_causationid;
  if (headers.ce_replyto) event.replyto = headers.ce_replyto;
  return { ok: true, event };
}
