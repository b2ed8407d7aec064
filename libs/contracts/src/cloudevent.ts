import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventData } from './catalog';
import { Topic } from './topics';

/** A CloudEvents 1.0 event as Admit carries it. `type` is the topic name. */
export interface CloudEvent<T extends Topic = Topic> {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  time: string;
  /** The client the event is about. */
  subject?: string;
  datacontenttype: 'application/json';
  /** Extension: the id shared by every event of one request. */
  correlationid: string;
  /** Extension: the id of the event that caused this one. */
  causationid?: string;
  /** Extension: the intake instance waiting to answer this request's HTTP caller; inherited by derived events. */
  replyto?: string;
  /** W3C trace context, carried as its own Kafka header. */
  traceparent: string;
  data: EventData<T>;
}

export interface NewEventOptions {
  source: string;
  subject?: string;
  /** The event being handled. The new event inherits its correlation and trace, and gets an id
   * derived from it, so a redelivered cause produces the identical event and consumers dedupe it. */
  cause?: CloudEvent;
  correlationId?: string;
  /** The instance that waits for the outcome (see `CloudEvent.replyto`); a derived event inherits its cause's. */
  replyTo?: string;
  traceparent?: string;
  /** For events with no decodable cause (dead letters): a caller-derived stable id. */
  id?: string;
  now?: Date;
}

export function newEvent<T extends Topic>(type: T, data: EventData<T>, opts: NewEventOptions): CloudEvent<T> {
  const { cause } = opts;
  const traceparent = cause ? childTraceparent(cause.traceparent) : (opts.traceparent ?? newTraceparent());
  return {
    specversion: '1.0',
    id: opts.id ?? (cause ? derivedId(cause.id, type) : randomUUID()),
    source: opts.source,
    type,
    time: (opts.now ?? new Date()).toISOString(),
    ...(opts.subject === undefined ? {} : { subject: opts.subject }),
    datacontenttype: 'application/json',
    correlationid: cause?.correlationid ?? opts.correlationId ?? randomUUID(),
    ...(cause ? { causationid: cause.id } : {}),
    ...((cause?.replyto ?? opts.replyTo) === undefined ? {} : { replyto: cause?.replyto ?? opts.replyTo }),
    traceparent,
    data,
  };
}

/** A UUID-shaped id that is a pure function of its inputs. */
export function derivedId(seed: string, type: string): string {
  const h = createHash('sha256').update(`${seed}\n${type}`).digest('hex');
  // Version nibble 8 (RFC 9562 custom), variant bits 10.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  return m !== null && !/^0+$/.test(m[1]) && !/^0+$/.test(m[2]);
}

function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

function childTraceparent(parent: string): string {
  const m = TRACEPARENT.exec(parent);
  return m ? `00-${m[1]}-${randomBytes(8).toString('hex')}-${m[3]}` : newTraceparent();
}
