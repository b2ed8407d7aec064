// Real: jsonObjectBody, RequestError, the error filter's answer and JSON.parse; nothing stubbed (fast-check generates the bodies).
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { RequestError } from '@admit/contracts';
import { errorAnswer } from './http-error.filter';
import { jsonObjectBody } from './json-body';

const RUNS = { numRuns: 200 };
const MAX_DEPTH = 32;
const routeCode = fc.constantFrom('invalid_client_metadata', 'invalid_request', 'custom_code');
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

type Outcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: unknown };

/** Runs the parser, turning a throw into a value so the property can judge it. */
function run(code: string, raw: unknown): Outcome {
  try {
    return { ok: true, value: jsonObjectBody(raw, code) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Containers on the deepest path (the root object is 1); iterative, like the parser, so 100k levels cannot overflow. */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    max = Math.max(max, depth);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/** The parser's contract, stated independently: a plain JSON object nesting ≤ 32 levels, or a 400 with the route's code. */
function expectContract(code: string, raw: unknown, outcome: Outcome): void {
  let parsed: unknown;
  let parses = false;
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      parsed = JSON.parse(raw.toString('utf8'));
      parses = true;
    } catch {
      parses = false;
    }
  }
  const acceptable = parses && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && depthOf(parsed) <= MAX_DEPTH;
  if (outcome.ok) {
    expect(acceptable).toBe(true);
    expect(Object.getPrototypeOf(outcome.value)).toBe(Object.prototype);
    // node's comparison, not jest's: jest's equality mishandles an own `__proto__` key.
    expect(isDeepStrictEqual(outcome.value, parsed)).toBe(true);
  } else {
    expect(outcome.error).toBeInstanceOf(RequestError);
    const error = outcome.error as RequestError;
    expect({ status: errorAnswer(error).status, code: error.code }).toEqual({ status: 400, code });
    expect(errorAnswer(error).body).toEqual({ error: code, error_description: expect.any(String) });
    expect(acceptable).toBe(false);
  }
  expectPrototypeUntouched();
}

function expectPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  const probe = {} as Record<string, unknown>;
  for (const name of ['polluted', 'isAdmin', 'a', 'x']) expect(probe[name]).toBeUndefined();
}

/** JSON text nesting `depth` containers, each level an array or an object (the pattern repeats). */
function nested(depth: number, arrays: boolean[], leaf: string): string {
  const at = (i: number) => arrays[i % arrays.length];
  const open = Array.from({ length: depth }, (_, i) => (i === 0 ? '{"d":' : at(i) ? '[' : '{"d":')).join('');
  const close = Array.from({ length: depth }, (_, i) => (depth - 1 - i === 0 ? '}' : at(depth - 1 - i) ? ']' : '}')).join('');
  return `${open}${leaf}${close}`;
}

const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString');
/** JSON objects where prototype-ish keys show up at any level, with values that would pollute if merged. */
const pollutingJson = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', 'null', '"x"', 'true', '{"polluted":true,"isAdmin":true}', '{"prototype":{"polluted":true}}'),
      fc
        .array(fc.tuple(fc.oneof(prototypeKey, fc.string({ maxLength: 6 })), tie('node')), { maxLength: 5 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
      fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    ),
  }))
  .node.map((inner) => `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"v":${inner}}`);

describe('jsonObjectBody under hostile bodies (property)', () => {
  it('arbitrary bytes: a plain object or a 400 with the route code, never anything else', () => {
    fc.assert(
      fc.property(routeCode, fc.uint8Array({ maxLength: 512 }), (code, bytes) => {
        const raw = Buffer.from(bytes);
        expectContract(code, raw, run(code, raw));
      }),
      RUNS,
    );
  });

  it('arbitrary text and any JSON value as a Buffer', () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 128 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 64 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.json(),
      fc.object().map((o) => JSON.stringify(o) ?? ''),
    );
    fc.assert(
      fc.property(routeCode, body, (code, textBody) => {
        const raw = Buffer.from(textBody, 'utf8');
        expectContract(code, raw, run(code, raw));
      }),
      RUNS,
    );
  });

  it('anything that is not a Buffer (strings, parsed objects, null, numbers) is refused with the route code', () => {
    fc.assert(
      fc.property(routeCode, fc.oneof(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), fc.jsonValue()), (code, raw) => {
        fc.pre(!Buffer.isBuffer(raw));
        const outcome = run(code, raw);
        expect(outcome.ok).toBe(false);
        expectContract(code, raw, outcome);
      }),
      RUNS,
    );
  });

  it('JSON bombs: nesting from 1 to 100,000 levels is accepted exactly up to 32, without overflowing the stack', () => {
    fc.assert(
      fc.property(
        routeCode,
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20_000 })),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        (code, depth, arrays) => {
          const raw = Buffer.from(nested(depth, arrays, '0'));
          const outcome = run(code, raw);
          expect(outcome.ok).toBe(depth <= MAX_DEPTH);
          expectContract(code, raw, outcome);
        },
      ),
      {
        numRuns: 60,
        examples: [
          ['invalid_client_metadata', 100_000, [true]],
          ['invalid_client_metadata', 100_000, [false]],
        ],
      },
    );
  });

  it('JSON bombs: wide arrays (up to 32k elements inside 64 KiB, and 100k beyond it) are parsed or refused, never thrown', () => {
    fc.assert(
      fc.property(
        routeCode,
        fc.oneof(fc.integer({ min: 0, max: 32_000 }), fc.constant(100_000)),
        fc.constantFrom('0', '[]', '{}', '"a"', 'null'),
        (code, n, item) => {
          const raw = Buffer.from(`{"a":[${Array.from({ length: n }, () => item).join(',')}]}`);
          if (n <= 32_000 && item.length === 1) expect(raw.length).toBeLessThanOrEqual(64 * 1024);
          const outcome = run(code, raw);
          expect(outcome.ok).toBe(true);
          expectContract(code, raw, outcome);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('__proto__ / constructor / prototype keys at any depth stay own data and never pollute Object.prototype', () => {
    fc.assert(
      fc.property(routeCode, pollutingJson, (code, json) => {
        const raw = Buffer.from(json);
        const outcome = run(code, raw);
        expectContract(code, raw, outcome);
        if (outcome.ok) {
          expect(Object.prototype.hasOwnProperty.call(outcome.value, '__proto__')).toBe(true);
          expect(Object.getPrototypeOf(outcome.value)).toBe(Object.prototype);
          expect((outcome.value as { polluted?: unknown }).polluted).toBeUndefined();
        }
      }),
      RUNS,
    );
  });
});
