// Real: everything (codec, catalog schemas, Ajv validators, node:crypto); nothing stubbed.
import { CloudEvent, isTraceparent, newEvent } from './cloudevent';
import { EventData } from './catalog';
import { decodeEvent, DecodeResult, encodeEvent, headersToStrings, RawHeaders } from './codec';
import { DeadLetterReason } from './errors';
import { Topic } from './topics';
import { checkEventData } from './validation';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const AT = NOW.toISOString();
const POLICY_VERSION = `sha256:${'ab'.repeat(32)}`;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const metadata = { redirect_uris: ['https://app.example/cb'], client_name: 'Ünïcødé 客户端 🚀', token_endpoint_auth_method: 'none' };

/** One valid body per topic. */
const validData: { [T in Topic]: EventData<T> } = {
  [Topic.RegistrationRequested]: { client_id: 'c_abc', source: 'rfc7591', metadata: { ...metadata, extra: { nested: [1, 2] } }, received_at: AT },
  [Topic.RegistrationValidated]: { client_id: 'c_abc', source: 'self_asserted', outcome: 'valid', metadata, errors: [], evidence: {}, jkts: [], validated_at: AT },
  [Topic.RegistrationDecided]: {
    client_id: 'c_abc',
    decision: 'allow',
    policy_version: POLICY_VERSION,
    determining_policies: ['allow-validated-registration'],
    reasons: [{ code: 'allow-validated-registration', description: 'permitted' }],
    metadata,
    decided_at: AT,
  },
  [Topic.AccessChecked]: {
    check_id: 'chk-1',
    client_id: 'c_abc',
    action: 'read',
    decision: 'deny',
    reasons: [{ code: 'revoked', description: 'client revoked' }],
    policy_version: POLICY_VERSION,
    path: 'local',
    admission_age_s: 12.5,
    checked_at: AT,
  },
  [Topic.Revocations]: { id: 'rev-1', kind: 'client_id', value: 'c_abc', reason: 'compromised', actor: 'ops', created_at: AT },
  [Topic.Policies]: { version: POLICY_VERSION, schema: 'namespace Admit {}', files: [{ name: 'registration.cedar', text: 'permit (principal, action, resource);' }], published_at: AT },
  [Topic.AdminActions]: { actor: 'ops', action: 'revocation.created', target: 'rev-1', details: { kind: 'client_id' }, at: AT },
  [Topic.DeadLetter]: {
    consumer: 'admit-policy',
    topic: Topic.RegistrationValidated,
    partition: 3,
    offset: '42',
    key: null,
    error: { code: DeadLetterReason.Invalid, message: 'data must be object' },
    attempts: 0,
    headers: { ce_id: 'x' },
    payload: 'null',
    payload_truncated: false,
    dead_lettered_at: AT,
  },
};

function requested(opts: Partial<Parameters<typeof newEvent>[2]> = {}) {
  return newEvent(Topic.RegistrationRequested, validData[Topic.RegistrationRequested], {
    source: 'intake',
    subject: 'c_abc',
    correlationId: 'corr-1',
    traceparent: TRACEPARENT,
    now: NOW,
    ...opts,
  });
}

/** A valid wire message for a requested event, with `changes` applied to its headers (undefined deletes). */
function wire(changes: Record<string, string | undefined> = {}, value?: Buffer | null) {
  const encoded = encodeEvent(requested());
  const headers = { ...encoded.headers };
  for (const [name, v] of Object.entries(changes)) {
    if (v === undefined) delete headers[name];
    else headers[name] = v;
  }
  return { headers, value: value === undefined ? encoded.value : value };
}

function decodeRequested(changes: Record<string, string | undefined> = {}, value?: Buffer | null): DecodeResult {
  const { headers, value: body } = wire(changes, value);
  return decodeEvent(Topic.RegistrationRequested, headers, body);
}

function decodedEvent(result: DecodeResult): CloudEvent {
  if (!result.ok) throw new Error(`expected a decoded event, got ${result.code}: ${result.message}`);
  return result.event;
}

describe('encodeEvent', () => {
  it('writes binary-mode CloudEvent headers, the subject as key and the data as the JSON body', () => {
    const cause = requested();
    const event = newEvent(Topic.RegistrationValidated, validData[Topic.RegistrationValidated], {
      source: 'validator',
      subject: 'c_abc',
      cause,
      now: NOW,
    });
    const message = encodeEvent(event);
    expect(message.key).toBe('c_abc');
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      traceparent: event.traceparent,
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: 'validator',
      ce_type: Topic.RegistrationValidated,
      ce_time: AT,
      ce_subject: 'c_abc',
      ce_correlationid: 'corr-1',
      ce_causationid: cause.id,
    });
    expect(JSON.parse(message.value!.toString('utf8'))).toEqual(validData[Topic.RegistrationValidated]);
  });

  it('uses a null key and omits absent optional headers when the event has no subject or cause', () => {
    const event = newEvent(Topic.DeadLetter, validData[Topic.DeadLetter], { source: 'policy', now: NOW });
    const message = encodeEvent(event);
    expect(message.key).toBeNull();
    expect(Object.keys(message.headers).sort()).toEqual(
      ['content-type', 'traceparent', 'ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_correlationid'].sort(),
    );
  });
});

describe('decodeEvent round trip', () => {
  it.each(Object.values(Topic))('decodes what encodeEvent wrote for %s', (topic) => {
    const event = newEvent(topic, validData[topic], { source: 'test', subject: 'c_abc', correlationId: 'corr-1', now: NOW });
    const { headers, value } = encodeEvent(event);
    expect(decodeEvent(topic, headers, value)).toStrictEqual({ ok: true, event });
  });

  it('round-trips an event with a cause (causationid) and no subject', () => {
    const cause = requested();
    const event = newEvent(Topic.RegistrationDecided, validData[Topic.RegistrationDecided], { source: 'policy', cause, now: NOW });
    const { headers, value } = encodeEvent(event);
    const decoded = decodedEvent(decodeEvent(Topic.RegistrationDecided, headers, value));
    expect(decoded).toStrictEqual(event);
    expect(decoded.causationid).toBe(cause.id);
    expect('subject' in decoded).toBe(false);
  });

  it('preserves unicode, surrogate pairs and deeply nested unknown metadata', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = { d: deep };
    const data = {
      client_id: 'c_\u202eevil \ud83d\ude00 😀',
      source: 'rfc7591' as const,
      metadata: { deep, emoji: '👩‍👩‍👧', replacement: '\ufffd' },
      received_at: AT,
    };
    const event = newEvent(Topic.RegistrationRequested, data, { source: 'intake', now: NOW });
    const { headers, value } = encodeEvent(event);
    expect(decodedEvent(decodeEvent(Topic.RegistrationRequested, headers, value)).data).toEqual(data);
  });

  it.each([
    ['a NUL character in a value', { nul: 'a\u0000b' }, '["metadata"]["nul"]'],
    ['a lone high surrogate', { deep: { list: ['ok', 'x\ud800'] } }, '["metadata"]["deep"]["list"][1]'],
    ['a lone low surrogate', { low: '\udc00y' }, '["metadata"]["low"]'],
    ['a NUL character in a property name', { 'k\u0000': 'v' }, '["metadata"]["k\\u0000"]'],
  ])('refuses an event holding %s, which the audit store could not keep, as invalid', (_name, metadata, path) => {
    const data = { client_id: 'c_1', source: 'rfc7591' as const, metadata, received_at: AT };
    expect(checkEventData(Topic.RegistrationRequested, data)).toBe(`data${path} holds a NUL character or a lone UTF-16 surrogate, which the audit store cannot keep`);
    const { headers, value } = encodeEvent(newEvent(Topic.RegistrationRequested, data, { source: 'intake', now: NOW }));
    expect(decodeEvent(Topic.RegistrationRequested, headers, value)).toMatchObject({ ok: false, code: DeadLetterReason.Invalid });
  });

  it('refuses an envelope attribute holding a NUL character as malformed', () => {
    const { headers, value } = encodeEvent(requested());
    expect(decodeEvent(Topic.RegistrationRequested, { ...headers, ce_subject: 'c_\u0000' }, value)).toEqual({
      ok: false,
      code: DeadLetterReason.Malformed,
      message: 'header ce_subject holds a NUL character or a lone UTF-16 surrogate',
    });
  });

  it('decodes kafkajs-style Buffer and array headers', () => {
    const event = requested();
    const { headers, value } = encodeEvent(event);
    const raw: RawHeaders = {};
    for (const [name, v] of Object.entries(headers)) raw[name.toUpperCase()] = [Buffer.from('stale'), Buffer.from(v, 'utf8')];
    expect(decodeEvent(Topic.RegistrationRequested, headersToStrings(raw), value)).toStrictEqual({ ok: true, event });
  });

  it('defaults correlationid to the event id and drops an invalid traceparent', () => {
    const decoded = decodedEvent(decodeRequested({ ce_correlationid: undefined, traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }));
    expect(decoded.correlationid).toBe(decoded.id);
    expect(decoded.traceparent).toBe('');
  });

  it('accepts application/json with parameters and in any case', () => {
    expect(decodeRequested({ 'content-type': 'application/json; charset=utf-8' }).ok).toBe(true);
    expect(decodeRequested({ 'content-type': 'APPLICATION/JSON' }).ok).toBe(true);
  });

  it('does not let a __proto__ key in the body pollute Object.prototype', () => {
    const body = Buffer.from(
      `{"client_id":"c_abc","source":"rfc7591","received_at":"${AT}","metadata":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`,
    );
    const decoded = decodedEvent(decodeRequested({}, body));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const data = decoded.data as EventData<typeof Topic.RegistrationRequested>;
    expect(data.source === 'rfc7591' && Object.prototype.hasOwnProperty.call(data.metadata, '__proto__')).toBe(true);
  });
});

describe('decodeEvent dead-letter reasons', () => {
  const malformed = (message: string) => ({ ok: false, code: DeadLetterReason.Malformed, message });

  it.each(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'])('rejects a missing %s as malformed', (header) => {
    expect(decodeRequested({ [header]: undefined })).toEqual(malformed(`missing header ${header}`));
  });

  it('rejects an over-long required attribute', () => {
    expect(decodeRequested({ ce_id: 'x'.repeat(2049) })).toEqual(malformed('header ce_id is too long'));
    expect(decodeRequested({ ce_id: 'x'.repeat(2048) }).ok).toBe(true);
  });

  it.each([
    ['0.3', 'unsupported ce_specversion "0.3"'],
    ['1.0 ', 'unsupported ce_specversion "1.0 "'],
    ['1'.repeat(100), `unsupported ce_specversion "${'1'.repeat(16)}"`],
  ])('rejects ce_specversion %j', (specversion, message) => {
    expect(decodeRequested({ ce_specversion: specversion })).toEqual(malformed(message));
  });

  it.each(['not a time', '2025-13-45T00:00:00Z', 'NaN', '0', 'March 7', '2025-06-01 12:00'])('rejects the unparseable ce_time %j', (time) => {
    expect(decodeRequested({ ce_time: time })).toEqual(malformed('ce_time is not an RFC 3339 timestamp'));
  });

  it.each([undefined, 'text/plain', 'application/jsonx', 'application/cloudevents+json', ''])('rejects content-type %j', (contentType) => {
    expect(decodeRequested({ 'content-type': contentType })).toEqual(malformed('content-type must be application/json'));
  });

  it.each([
    ['a zero-length body', ''],
    ['truncated JSON', '{"client_id":'],
    ['a bare NaN', 'NaN'],
    ['single quotes', "{'a':1}"],
    ['a byte-order mark', '\ufeff{}'],
  ])('rejects %s as not JSON', (_name, body) => {
    expect(decodeRequested({}, Buffer.from(body, 'utf8'))).toEqual(malformed('body is not JSON'));
  });

  it.each([
    ['an unknown type', 'admit.nope.v1', 'admit.nope.v1'],
    ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((type) => [`the prototype-ish type ${type}`, type, type]),
    ['a long unknown type, cut in the message', 't'.repeat(2000), 't'.repeat(128)],
  ])('rejects %s as unknown', (_name, type, shown) => {
    expect(decodeRequested({ ce_type: type })).toEqual({ ok: false, code: DeadLetterReason.UnknownType, message: `unknown event type "${shown}"` });
  });

  it('rejects a known type on the wrong topic', () => {
    const { headers, value } = wire();
    expect(decodeEvent(Topic.RegistrationDecided, headers, value)).toEqual({
      ok: false,
      code: DeadLetterReason.UnknownType,
      message: `${Topic.RegistrationRequested} does not belong on ${Topic.RegistrationDecided}`,
    });
  });

  it.each([
    ['null', 'null', 'data must be object'],
    ['an array', '[]', 'data must be object'],
    ['a number', '1e999', 'data must be object'],
    ['a string', '"x"', 'data must be object'],
    ['a missing field', `{"client_id":"c","source":"cimd"}`, "data must have required property 'received_at'"],
    ['an empty client_id', `{"client_id":"","source":"cimd","received_at":"${AT}"}`, 'data/client_id must NOT have fewer than 1 characters'],
    ['a bad timestamp', `{"client_id":"c","source":"cimd","received_at":"yesterday"}`, 'data/received_at must match format "date-time"'],
    ['a wrong type', `{"client_id":42,"source":"cimd","received_at":"${AT}"}`, 'data/client_id must be string'],
    ['a huge client_id', `{"client_id":"${'x'.repeat(2049)}","source":"cimd","received_at":"${AT}"}`, 'data/client_id must NOT have more than 2048 characters'],
  ])('rejects a body with %s as invalid', (_name, body, message) => {
    const result = decodeRequested({}, Buffer.from(body));
    expect(result).toMatchObject({ ok: false, code: DeadLetterReason.Invalid });
    expect(result.ok === false && result.message).toContain(message);
  });

  it('rejects dead-letter bodies that break numeric and pattern constraints', () => {
    const dead = (patch: Record<string, unknown>) => {
      const event = newEvent(Topic.DeadLetter, validData[Topic.DeadLetter], { source: 'bus', now: NOW });
      const { headers } = encodeEvent(event);
      return decodeEvent(Topic.DeadLetter, headers, Buffer.from(JSON.stringify({ ...validData[Topic.DeadLetter], ...patch })));
    };
    expect(dead({ partition: -1 })).toEqual({ ok: false, code: DeadLetterReason.Invalid, message: 'data/partition must be >= 0' });
    expect(dead({ partition: 1.5 })).toEqual({ ok: false, code: DeadLetterReason.Invalid, message: 'data/partition must be integer' });
    expect(dead({ offset: '-1' })).toEqual({ ok: false, code: DeadLetterReason.Invalid, message: 'data/offset must match pattern "^[0-9]+$"' });
    expect(dead({ attempts: '1' })).toEqual({ ok: false, code: DeadLetterReason.Invalid, message: 'data/attempts must be integer' });
  });

  it.each([
    ['treats an empty ce_id as missing', { ce_id: '' }, undefined, 'missing header ce_id'],
    ['rejects a null body as empty', {}, null, 'body is empty'],
    ['checks headers before the body', { ce_id: undefined }, Buffer.from('not json'), 'missing header ce_id'],
  ])('%s', (_name, headers, body, message) => {
    expect(decodeRequested(headers, body)).toEqual(malformed(message));
  });
});

describe('headersToStrings', () => {
  it('returns an empty object for undefined headers', () => {
    expect(headersToStrings(undefined)).toEqual({});
  });

  it('decodes Buffers as UTF-8, keeps the last of repeated values, lower-cases names and skips undefined', () => {
    expect(
      headersToStrings({
        'CE_ID': Buffer.from('id-1'),
        ce_subject: Buffer.from('客户端 🚀', 'utf8'),
        ce_type: ['first', Buffer.from('second')],
        traceparent: 'plain',
        missing: undefined,
        none: [],
      }),
    ).toStrictEqual({ ce_id: 'id-1', ce_subject: '客户端 🚀', ce_type: 'second', traceparent: 'plain' });
  });

  it('does not let a __proto__ header pollute Object.prototype or change the result prototype', () => {
    const raw = JSON.parse('{"__proto__": "x", "constructor": "y", "ce_id": "1"}') as RawHeaders;
    const out = headersToStrings(raw);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(out.ce_id).toBe('1');
    expect(Object.prototype.hasOwnProperty.call(out, 'constructor') && out.constructor).toBe('y');
  });
});

describe('newEvent', () => {
  it('without a cause: random UUID id, the given correlation id and traceparent, and the given time', () => {
    const a = requested();
    const b = requested();
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ specversion: '1.0', source: 'intake', subject: 'c_abc', correlationid: 'corr-1', traceparent: TRACEPARENT, time: AT });
    expect('causationid' in a).toBe(false);
  });

  it('without a cause or traceparent: starts a new valid trace and a random correlation id', () => {
    const a = newEvent(Topic.DeadLetter, validData[Topic.DeadLetter], { source: 'bus' });
    const b = newEvent(Topic.DeadLetter, validData[Topic.DeadLetter], { source: 'bus' });
    expect(isTraceparent(a.traceparent)).toBe(true);
    expect(a.traceparent.slice(3, 35)).not.toBe(b.traceparent.slice(3, 35));
    expect(a.correlationid).not.toBe(b.correlationid);
  });

  it('uses a caller-derived id when one is given', () => {
    expect(newEvent(Topic.DeadLetter, validData[Topic.DeadLetter], { source: 'bus', id: 'stable-id' }).id).toBe('stable-id');
  });

  describe('with a cause', () => {
    const cause = requested({ correlationId: 'corr-cause' });
    const child = (type: Topic = Topic.RegistrationValidated, opts: { correlationId?: string } = {}) =>
      newEvent(type as typeof Topic.RegistrationValidated, validData[Topic.RegistrationValidated], { source: 'validator', cause, ...opts });

    it('derives a deterministic UUID-shaped id from the cause and type', () => {
      const a = child();
      const b = child();
      expect(a.id).toBe(b.id);
      expect(a.id).toMatch(UUID_V8);
      expect(a.id).not.toBe(cause.id);
    });

    it('derives a different id for a different type or a different cause', () => {
      expect(child(Topic.RegistrationDecided).id).not.toBe(child().id);
      const otherCause = requested();
      const other = newEvent(Topic.RegistrationValidated, validData[Topic.RegistrationValidated], { source: 'validator', cause: otherCause });
      expect(other.id).not.toBe(child().id);
    });

    it('inherits the correlation id (over an explicit one) and sets causationid', () => {
      const event = child(Topic.RegistrationValidated, { correlationId: 'ignored' });
      expect(event.correlationid).toBe('corr-cause');
      expect(event.causationid).toBe(cause.id);
    });

    it('carries replyto through the wire and onto every derived event, and leaves it out when unset', () => {
      const request = newEvent(Topic.RegistrationRequested, validData[Topic.RegistrationRequested], { source: 'intake', replyTo: 'intake-7' });
      const { headers, value } = encodeEvent(request);
      expect(headers.ce_replyto).toBe('intake-7');
      const decoded = decodeEvent(Topic.RegistrationRequested, headers, value);
      expect(decoded).toEqual({ ok: true, event: request });
      const derived = newEvent(Topic.RegistrationValidated, validData[Topic.RegistrationValidated], { source: 'validator', cause: request, replyTo: 'ignored' });
      expect(derived.replyto).toBe('intake-7');
      expect('replyto' in child()).toBe(false);
      expect(encodeEvent(child()).headers).not.toHaveProperty('ce_replyto');
    });

    it('keeps the trace id and flags of the cause while changing the span id', () => {
      const event = child();
      expect(isTraceparent(event.traceparent)).toBe(true);
      const [version, traceId, spanId, flags] = event.traceparent.split('-');
      const [, causeTrace, causeSpan, causeFlags] = cause.traceparent.split('-');
      expect({ version, traceId, flags }).toEqual({ version: '00', traceId: causeTrace, flags: causeFlags });
      expect(spanId).not.toBe(causeSpan);
    });

    it('starts a new valid trace when the cause carries no usable traceparent', () => {
      const event = newEvent(Topic.RegistrationValidated, validData[Topic.RegistrationValidated], {
        source: 'validator',
        cause: { ...cause, traceparent: '' },
      });
      expect(isTraceparent(event.traceparent)).toBe(true);
    });
  });
});

describe('isTraceparent', () => {
  it.each([
    [TRACEPARENT, true],
    [`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, false],
    [`00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`, false],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', false],
    [`${TRACEPARENT}-extra`, false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isTraceparent(value)).toBe(expected);
  });
});
