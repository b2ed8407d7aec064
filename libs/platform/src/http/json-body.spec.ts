// Real: everything (jsonObjectBody, RequestError, the error filter's answer, JSON.parse); nothing stubbed.
import { RequestError } from '@admit/contracts';
import { thrownBy } from '@admit/contracts/testing';
import { errorAnswer } from './http-error.filter';
import { jsonObjectBody } from './json-body';

const CODE = 'invalid_client_metadata';
const parse = (raw: unknown) => jsonObjectBody(raw, CODE);

const rejection = (raw: unknown, code = CODE) => thrownBy(RequestError, () => jsonObjectBody(raw, code));

function expectBadRequest(raw: unknown, description: string): void {
  const err = rejection(raw);
  expect({ status: errorAnswer(err).status, code: err.code, response: errorAnswer(err).body }).toEqual({
    status: 400,
    code: CODE,
    response: { error: CODE, error_description: description },
  });
}

/** `levels` nested objects: `{"a":{"a":...{}}}`; one level is `{}`. */
function nestedObjects(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

/** An object holding `arrays` nested arrays: total depth is arrays + 1. */
function arraysInObject(arrays: number): string {
  return `{"a":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}

const TOO_DEEP = 'the request body nests deeper than 32 levels';

describe('jsonObjectBody', () => {
  it('parses a JSON object', () => {
    expect(parse(Buffer.from('{"client_name":"App","n":[1,{"x":null}]}'))).toStrictEqual({ client_name: 'App', n: [1, { x: null }] });
  });

  it('keeps unicode text intact', () => {
    expect(parse(Buffer.from('{"name":"客户端 🚀","rtl":"\\u202e"}', 'utf8'))).toStrictEqual({ name: '客户端 🚀', rtl: '\u202e' });
  });

  // Whatever a body says reaches an event; PostgreSQL can store no NUL and no lone surrogate, so an
  // admission answered on such metadata would have no decision in the audit store.
  it.each([
    ['a NUL character', '{"client_name":"App\\u0000"}', '["client_name"]'],
    ['a lone high surrogate', '{"redirect_uris":["https://a.example/\\ud800"]}', '["redirect_uris"][0]'],
    ['a lone low surrogate', '{"jwks":{"keys":[{"kid":"\\udfff"}]}}', '["jwks"]["keys"][0]["kid"]'],
    ['a NUL in a property name', '{"x\\u0000":1}', '["x\\u0000"]'],
  ])('metadata holding %s is refused at the boundary with invalid_client_metadata', (_name, body, path) => {
    expectBadRequest(Buffer.from(body, 'utf8'), `the request body holds a NUL character or a lone UTF-16 surrogate at ${path}`);
  });

  it('keeps surrogate pairs, spelt raw or escaped', () => {
    expect(parse(Buffer.from('{"a":"\\ud83d\\ude80","b":"🚀"}', 'utf8'))).toStrictEqual({ a: '🚀', b: '🚀' });
  });

  it('uses the error code of its route', () => {
    const err = rejection(Buffer.from('[]'), 'custom_code');
    expect({ code: err.code, response: errorAnswer(err).body }).toEqual({
      code: 'custom_code',
      response: { error: 'custom_code', error_description: 'the request body must be a JSON object' },
    });
  });

  describe('rejects with 400 and the route code', () => {
    it.each([
      ['undefined', undefined],
      ['null', null],
      ['a string', '{"a":1}'],
      ['an already parsed object', { a: 1 }],
      ['a Uint8Array', new Uint8Array([123, 125])],
      ['an empty Buffer', Buffer.alloc(0)],
    ])('%s as an empty body', (_name, raw) => {
      expectBadRequest(raw, 'the request body is empty');
    });

    it.each([
      ['truncated JSON', '{"a":'],
      ['a bare NaN', 'NaN'],
      ['a trailing comma', '{"a":1,}'],
      ['single quotes', "{'a':1}"],
      ['a byte-order mark', '\ufeff{}'],
      ['two documents', '{}{}'],
      ['only whitespace', '   '],
    ])('%s as not valid JSON', (_name, body) => {
      expectBadRequest(Buffer.from(body, 'utf8'), 'the request body is not valid JSON');
    });

    it.each([
      ['an array', '[]'],
      ['an array of objects', '[{"a":1}]'],
      ['null', 'null'],
      ['a number', '42'],
      ['a huge number', '1e999'],
      ['a string', '"{}"'],
      ['true', 'true'],
    ])('%s as not an object', (_name, body) => {
      expectBadRequest(Buffer.from(body), 'the request body must be a JSON object');
    });
  });

  describe('nesting', () => {
    it.each([
      ['accepts exactly 32 levels of objects', nestedObjects(32)],
      ['accepts an object holding 31 nested arrays (32 levels)', arraysInObject(31)],
    ])('%s', (_name, body) => {
      expect(parse(Buffer.from(body))).toEqual(JSON.parse(body));
    });

    it.each([
      ['rejects 33 levels of objects, naming the limit', () => nestedObjects(33)],
      ['rejects an object holding 32 nested arrays (33 levels)', () => arraysInObject(32)],
      ['rejects an object holding a 33-level [[[...]]]', () => arraysInObject(33)],
      ['finds a too-deep branch next to shallow ones', () => `{"a":1,"b":[1,2,{"c":3}],"deep":${nestedObjects(32)},"z":{}}`],
      ['measures a hostile million-level body without overflowing the stack', () => arraysInObject(1_000_000)],
    ])('%s', (_name, body) => {
      expectBadRequest(Buffer.from(body()), TOO_DEEP);
    });

    it('does not count scalars as a level', () => {
      const body = `${'{"a":'.repeat(31)}{"s":"x","n":1,"t":true,"z":null}${'}'.repeat(31)}`;
      expect(() => parse(Buffer.from(body))).not.toThrow();
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('keeps __proto__ as an own key without polluting Object.prototype', () => {
      const body = parse(Buffer.from('{"__proto__":{"polluted":true},"a":1}'));
      expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(body, '__proto__')).toBe(true);
      expect(body.polluted).toBeUndefined();
    });

    it('does not pollute through constructor.prototype', () => {
      const body = parse(Buffer.from('{"constructor":{"prototype":{"polluted":true}}}'));
      expect(body.constructor).toEqual({ prototype: { polluted: true } });
    });
  });
});

describe('a RequestError naming its own status', () => {
  it('is answered with that status, the RFC 7591 error body and its headers, not by the table (invalid_client is 404 there)', () => {
    const err = new RequestError('invalid_client', 'try again', { status: 401, headers: { 'www-authenticate': 'Admit' } });
    expect(errorAnswer(err)).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'try again' },
      headers: { 'www-authenticate': 'Admit' },
    });
  });

  it('has no extra headers by default', () => {
    expect(errorAnswer(new RequestError('x', 'y', { status: 503 }))).toEqual({ status: 503, body: { error: 'x', error_description: 'y' }, headers: {} });
  });
});
