import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { catalog } from './catalog';
import { unstorableTextPath } from './storable-text';
import { Topic } from './topics';

/**
 * Admit's Ajv instances, one per purpose, made here only (HTTP requests: RequestSchemas, TypeBox's compiler):
 * events and documents (strict, formats, first error); shapes of files and inputs (every error);
 * configuration from the environment (strings coerced, defaults filled in, every error).
 */
const ajv = addFormats(new Ajv({ allErrors: false, strict: true }), ['date-time', 'uri']);
const shapes = new Ajv({ allErrors: true });
const config = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
export const compileShape = <T>(schema: object): ValidateFunction<T> => shapes.compile<T>(schema);
export const compileConfig = <T>(schema: object): ValidateFunction<T> => config.compile<T>(schema);

/** Validators are compiled once, at load, from the catalog. */
const validators = new Map<string, ValidateFunction>(
  Object.entries(catalog).map(([topic, contract]) => [topic, ajv.compile(contract.schema)]),
);

/** Returns null when `data` is a valid body for `type` (its schema, and text the audit store can keep), or a one-line reason. */
export function checkEventData(type: Topic, data: unknown): string | null {
  const validate = validators.get(type);
  if (!validate) return `no schema for ${type}`;
  if (!validate(data)) return ajv.errorsText(validate.errors, { dataVar: 'data', separator: '; ' }).slice(0, 1024);
  // Part of every contract: an event that passes it can be stored by the audit service.
  const unstorable = unstorableTextPath(data);
  if (unstorable !== null) return `data${unstorable.slice(0, 512)} holds a NUL character or a lone UTF-16 surrogate, which the audit store cannot keep`;
  return null;
}

export function isKnownType(type: string): type is Topic {
  return validators.has(type);
}
