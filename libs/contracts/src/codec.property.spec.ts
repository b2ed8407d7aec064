// Real: the codec, newEvent, the catalog schemas and their Ajv validators; nothing stubbed (fast-check generates the input).
import fc from 'fast-check';
import { EventData } from './catalog';
import { CloudEvent, isTraceparent, newEvent } from './cloudevent';
import { decodeEvent, DecodeResult, encodeEvent, headersToStrings, RawHeaders } from './codec';
import { DeadLetterReason } from './errors';
import { storableText } from './storable-text';
import { checkEventData } from './validation';
import { ALL_TOPICS, Topic } from './topics';
import { isoTime, text, validData } from './testing/valid-events';

const RUNS = { numRuns: 200 };
const AT = '2025-06-01T12:00:00.000Z';
const DECODE_CODES: readonly string[] = [DeadLetterReason.Malformed, DeadLetterReason.UnknownType, DeadLetterReason.Invalid];
const CE_HEADERS = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_subject', 'ce_correlationid', 'ce_causationid'];
/** CloudEvents 1.0 `time` is an RFC 3339 timestamp (§3.1.1): full-date "T" full-time with an offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const SAMPLE_DEAD_LETTER: EventData<typeof Topic.DeadLetter> = {
  consumer: 'admit-policy',
  topic: Topic.RegistrationValidated,
  partition: 0,
  offset: '1',
  key: null,
  error: { code: DeadLetterReason.Invalid, message: 'm' },
  attempts: 0,
  headers: {},
  payload: null,
  payload_truncated: false,
  dead_lettered_at: AT,
};

// ---- input generators -------------------------------------------------------------------------

/** Any UTF-16 text, lone surrogates included. */
const utf16 = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });
const traceparent = fc
  .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[0-9a-f]{2}$/))
  .map(([trace, span, flags]) => `00-${trace}-${span}-${flags}`)
  .filter(isTraceparent);
const topic = fc.constantFrom(...ALL_TOPICS);

type HeaderText = (minLength: number, maxLength: number) => fc.Arbitrary<string>;

/** A valid event of `type` built through newEvent (with or without a cause), as producers build them. */
const eventOf = (type: Topic, headerText: HeaderText) =>
  fc
    .record(
      {
        data: validData[type],
        source: headerText(1, 60),
        subject: headerText(1, 60),
        correlationId: headerText(0, 60),
        id: headerText(1, 60),
        traceparent,
        now: fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        withCause: fc.boolean(),
      },
      { requiredKeys: ['data', 'source', 'now', 'withCause'] },
    )
    .map(({ data, withCause, ...opts }) => {
      const cause = withCause ? newEvent(Topic.RegistrationRequested, { client_id: 'c', source: 'cimd', received_at: AT }, { source: 'intake', now: opts.now }) : undefined;
      return newEvent(type, data as CloudEvent['data'], { ...opts, cause });
    });
const validEvent = (headerText: HeaderText) => topic.chain((type) => eventOf(type, headerText));

/** Bodies from harmless to hostile: valid data, random bytes, random JSON, deep nesting, huge arrays. */
function deepJson(depth: number, arrays: boolean[]): string {
  const open = Array.from({ length: depth }, (_, i) => (arrays[i % arrays.length] ? '[' : '{"d":')).join('');
  const close = Array.from({ length: depth }, (_, i) => (arrays[(depth - 1 - i) % arrays.length] ? ']' : '}')).join('');
  return `${open}0${close}`;
}
const deepBody = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([depth, arrays, wrapped]) =>
    Buffer.from(wrapped ? `{"client_id":"c","source":"rfc7591","received_at":"${AT}","metadata":{"deep":${deepJson(depth, arrays)}}}` : deepJson(depth, arrays)),
  );
const hugeArrayBody = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.boolean())
  .map(([n, wrapped]) => {
    const array = `[${'0,'.repeat(n - 1)}0]`;
    return Buffer.from(wrapped ? `{"client_id":"c","source":"rfc7591","received_at":"${AT}","metadata":{"a":${array}}}` : array);
  });
const body = (type: Topic): fc.Arbitrary<Buffer | null> =>
  fc.oneof(
    { weight: 3, arbitrary: validData[type].map((data) => Buffer.from(JSON.stringify(data))) },
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
    utf16(64).map((s) => Buffer.from(s, 'utf8')),
    deepBody,
    hugeArrayBody,
    fc.constant(null),
    fc.constant(Buffer.alloc(0)),
  );

/** Header values: plausible, empty, unicode (lone surrogates too), and oversized. */
const headerValue = fc.oneof(
  fc.constantFrom('1.0', '0.3', '', ' ', AT, 'application/json', 'APPLICATION/JSON; charset=utf-8', 'text/plain', ...ALL_TOPICS),
  utf16(40),
  fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 500, max: 5000 })).map(([s, n]) => s.repeat(n)),
);
const headerName = fc.oneof(
  fc.constantFrom(...CE_HEADERS, 'content-type', 'traceparent', 'CE_ID', 'Content-Type', '__proto__', 'constructor', 'toString'),
  fc.string({ maxLength: 16 }),
);

/**
 * kafkajs-shaped raw headers around a valid event for `type`: some headers dropped, some replaced,
 * some repeated (arrays whose last value wins), names in any case.
 */
const hostileHeaders = (type: Topic) =>
  fc
    .record({
      event: eventOf(type, text),
      // Each kind of damage is often absent, so an envelope sometimes survives intact and the accepting path is exercised.
      drop: fc.oneof(fc.constant([]), fc.subarray([...CE_HEADERS, 'content-type', 'traceparent'], { minLength: 1 })),
      set: fc.oneof(fc.constant({}), fc.dictionary(headerName, headerValue, { minKeys: 1, maxKeys: 4 })),
      repeat: fc.oneof(
        fc.constant({}),
        fc.dictionary(headerName, fc.array(fc.oneof(headerValue, headerValue.map((v) => Buffer.from(v, 'utf8'))), { maxLength: 3 }), { minKeys: 1, maxKeys: 3 }),
      ),
    })
    .map(({ event, drop, set, repeat }) => {
      const raw: RawHeaders = { ...encodeEvent(event).headers };
      for (const name of drop) delete raw[name];
      for (const [name, value] of Object.entries(set)) raw[name] = value;
      for (const [name, values] of Object.entries(repeat)) raw[name.toUpperCase()] = values;
      return headersToStrings(raw);
    });

/** Arbitrary string maps, unrelated to any valid event. */
const randomHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 12 });

// ---- what every decode result must satisfy ------------------------------------------------------

function expectWellFormed(result: DecodeResult, decodedOn: string, headers: Record<string, string>): void {
  if (!result.ok) {
    expect(DECODE_CODES).toContain(result.code);
    expect(typeof result.message).toBe('string');
    // Attacker-sized input is never echoed whole into a dead-letter reason.
    expect(result.message.length).toBeLessThanOrEqual(2048);
    return;
  }
  const { event } = result;
  expect(event.type).toBe(decodedOn);
  expect(checkEventData(event.type, event.data)).toBeNull();
  expect(event.specversion).toBe('1.0');
  expect(event.datacontenttype).toBe('application/json');
  for (const attribute of ['id', 'source'] as const) {
    expect(event[attribute]).toBe(headers[`ce_${attribute}`]);
    expect(event[attribute].length).toBeGreaterThan(0);
    expect(event[attribute].length).toBeLessThanOrEqual(2048);
  }
  expect(Number.isNaN(Date.parse(event.time))).toBe(false);
  expect(event.traceparent === '' || isTraceparent(event.traceparent)).toBe(true);
  expect(/^application\/json\s*(;|$)/i.test(headers['content-type'])).toBe(true);
}

describe('decodeEvent under hostile input (property)', () => {
  it('never throws; answers a decode dead-letter code or a valid event of the topic, for arbitrary header maps and bodies', () => {
    fc.assert(
      fc.property(fc.oneof(topic, fc.string()), randomHeaders, topic.chain(body), (on, headers, value) => {
        expectWellFormed(decodeEvent(on, headers, value), on, headers);
      }),
      RUNS,
    );
  });

  it('never throws and never accepts outside the rules for mutated headers around a valid event and hostile bodies', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        topic.chain((type) => fc.tuple(fc.constant(type), hostileHeaders(type), body(type))),
        ([type, headers, value]) => {
          const result = decodeEvent(type, headers, value);
          expectWellFormed(result, type, headers);
          if (result.ok) accepted += 1;
        },
      ),
      RUNS,
    );
    // Guards against a vacuous property: the generators must reach the accepting path too.
    expect(accepted).toBeGreaterThan(0);
  });

  it('decodes valid envelopes whose bodies nest up to 5,000 levels or hold 100k-element arrays without throwing', () => {
    const headers = encodeEvent(newEvent(Topic.RegistrationRequested, { client_id: 'c', source: 'cimd', received_at: AT }, { source: 'intake' })).headers;
    fc.assert(
      fc.property(fc.oneof(deepBody, hugeArrayBody), (value) => {
        const result = decodeEvent(Topic.RegistrationRequested, headers, value);
        expectWellFormed(result, Topic.RegistrationRequested, headers);
        // A body wrapped as a requested event is valid however deep its metadata; a bare one never is.
        expect(result.ok).toBe(value.toString('utf8').startsWith('{"client_id"'));
      }),
      { numRuns: 60 },
    );
  });

  it('accepts ce_time only as an RFC 3339 timestamp, as CloudEvents 1.0 requires', () => {
    const valid = encodeEvent(newEvent(Topic.RegistrationRequested, { client_id: 'c', source: 'cimd', received_at: AT }, { source: 'intake' }));
    const time = fc.oneof(
      isoTime,
      utf16(24),
      fc.stringMatching(/^[0-9 ,:.TZ+-]{1,24}$/),
      fc.constantFrom('1', '2020', 'March 7', 'Tue, 01 Jun 2025 12:00:00 GMT', '2025-06-01 12:00', '6/1/2025'),
    );
    fc.assert(
      fc.property(time, (ceTime) => {
        const result = decodeEvent(Topic.RegistrationRequested, { ...valid.headers, ce_time: ceTime }, valid.value);
        if (result.ok) expect(result.event.time).toMatch(RFC3339);
        else expect(result.code).toBe(DeadLetterReason.Malformed);
      }),
      { ...RUNS, examples: [['1']] },
    );
  });

  it('accepts a dead letter only when every carried header value is a string, whatever the header name', () => {
    const valid = encodeEvent(newEvent(Topic.DeadLetter, SAMPLE_DEAD_LETTER, { source: 'bus' }));
    const headers = fc.dictionary(
      fc.oneof(fc.string(), fc.tuple(fc.string(), fc.constantFrom('\n', '\r', '\u2028', '\u2029'), fc.string()).map((parts) => parts.join(''))),
      fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(validData[Topic.DeadLetter], headers, (data, carried) => {
        const value = Buffer.from(JSON.stringify({ ...(data as object), headers: carried }));
        const result = decodeEvent(Topic.DeadLetter, valid.headers, value);
        const allStrings = Object.values(carried).every((v) => typeof v === 'string');
        expect(result.ok).toBe(allStrings);
      }),
      { ...RUNS, examples: [[SAMPLE_DEAD_LETTER, { 'a\nb': 42 }]] },
    );
  });
});

describe('encodeEvent → decodeEvent round trip (property)', () => {
  it('gives back exactly the event newEvent built, for arbitrary valid data of every type', () => {
    fc.assert(
      fc.property(validEvent((min, max) => utf16(max).map(storableText).filter((s) => s.length >= min)), (event) => {
        const { headers, value } = encodeEvent(event);
        expect(decodeEvent(event.type, headers, value)).toStrictEqual({ ok: true, event });
      }),
      RUNS,
    );
  });

  it('survives kafkajs header transport: UTF-8 Buffers, upper-case names, repeated values', () => {
    fc.assert(
      fc.property(validEvent(text), fc.array(text(0, 8), { maxLength: 2 }), fc.boolean(), (event, stale, upper) => {
        const { headers, value } = encodeEvent(event);
        const raw: RawHeaders = {};
        for (const [name, v] of Object.entries(headers)) {
          raw[upper ? name.toUpperCase() : name] = [...stale.map((s) => Buffer.from(s)), Buffer.from(v, 'utf8')];
        }
        expect(decodeEvent(event.type, headersToStrings(raw), value)).toStrictEqual({ ok: true, event });
      }),
      RUNS,
    );
  });
});
