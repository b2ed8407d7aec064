import fc from 'fast-check';
import { catalog } from '../catalog';
import { storableText } from '../storable-text';
import { ALL_TOPICS, Topic } from '../topics';
import { checkEventData } from '../validation';

/** Text an event may carry: well-formed (it survives UTF-8 Kafka headers) and without NUL (the audit store keeps it). */
export const text = (minLength: number, maxLength: number) =>
  fc.oneof(fc.string({ unit: 'binary', minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength })).map(storableText);

export const isoTime = fc
  .date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

type Schema = { [key: string]: unknown };

/**
 * Valid values for the subset of JSON Schema the catalog uses, derived from the schemas themselves so
 * the generators cover every event type and keep up with schema changes. JSON round-tripped, so no -0.
 */
function validFor(schema: Schema, hostile = false): fc.Arbitrary<unknown> {
  const next = (s: Schema) => validFor(s, hostile);
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Schema[]).map(next));
  if ('const' in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time') return isoTime;
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
      // Code points, as Ajv counts minLength and maxLength.
      const minLength = (schema.minLength as number | undefined) ?? 0;
      const any = fc.string({ unit: 'binary', minLength, maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, minLength + 40) });
      return hostile ? fc.oneof(any, fc.constantFrom('nul\u0000', '\ud800', 'low\udc00', '\u0000')) : any;
    }
    case 'integer':
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -1e9, max: (schema.maximum as number | undefined) ?? 1e12 });
    case 'number':
      return fc.double({ min: (schema.minimum as number | undefined) ?? -1e12, max: 1e12, noNaN: true }).map((n) => n + 0);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(next(schema.items as Schema), {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 4, 4),
      });
    case 'object':
      return objectFor(schema, hostile);
    default:
      return hostile ? fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ 'k\u0000': '\ud800' })) : fc.jsonValue({ maxDepth: 3 });
  }
}

function objectFor(schema: Schema, hostile: boolean): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const declared = fc.record(Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, validFor(s, hostile)])), {
    requiredKeys: (schema.required ?? []) as string[],
  });
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
  const extraValue = patterns.length > 0 ? validFor(patterns[0][1], hostile) : fc.jsonValue({ maxDepth: 3 });
  const extraKey = fc
    .oneof(text(0, 12), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'))
    .filter((key) => !(key in properties) && patterns.every(([p]) => new RegExp(p, 'u').test(key)));
  const extras = patterns.length > 0 || schema.additionalProperties === true ? fc.dictionary(extraKey, extraValue, { maxKeys: 4 }) : fc.constant({});
  // Extras first, declared last: a declared property always wins over a same-named extra.
  return fc.tuple(extras, declared).map(([extra, known]) => JSON.parse(JSON.stringify({ ...extra, ...known })) as unknown);
}

/**
 * Generated text may hold NUL characters and lone surrogates, which no contract accepts: they become
 * U+FFFD, keeping every length. The rare value that then breaks a pattern is dropped.
 */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (typeof value === 'object' && value !== null) {
    return JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]))));
  }
  return value;
}

/** Data that passes the contract of each topic, from its schema: everything a producer may publish. */
export const validData = Object.fromEntries(
  ALL_TOPICS.map((topic) => [
    topic,
    validFor(catalog[topic].schema as unknown as Schema)
      .map(storable)
      .filter((data) => checkEventData(topic, data) === null),
  ]),
) as Record<Topic, fc.Arbitrary<unknown>>;

/**
 * Data that passes the contract of each topic, also when the generator tries text PostgreSQL cannot
 * keep: half the candidates carry NUL characters and lone surrogates, and only those the contract
 * accepts are kept. A contract that let such text through would let it reach the audit store.
 */
export const contractValidData = Object.fromEntries(
  ALL_TOPICS.map((topic) => [
    topic,
    fc
      .oneof(validData[topic], validFor(catalog[topic].schema as unknown as Schema, true))
      .filter((data) => checkEventData(topic, data) === null),
  ]),
) as Record<Topic, fc.Arbitrary<unknown>>;
