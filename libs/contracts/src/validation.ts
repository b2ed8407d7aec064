import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { catalog } from './catalog';
import { unstorableTextPath } from './storable-text';
import { Topic } from './topics';

/**
 * Admit's Ajv instances, one per purpose, made here only (HTTP requests are TypeBox's compiler,
 * RequestSchemas in @admit/platform):
 * - events and documents (below): strict, formats checked, the first error;
 * - shapes (compileShape): the files and inputs Admit reads, every error;
 * - configuration (compileConfig): the environment's strings coerced, defaults filled in, every error.
 */
const ajv = addFormats(new Ajv({ allErrors: false, strict: true }), ['date-time', 'uri']);
const shapes = new Ajv({ allErrors: true });
const config = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });

/** The check of a file's or an input's shape (anchors, admin tokens, gateway table, client metadata): every error. */
export function compileShape<T>(schema: object): ValidateFunction<T> {
  return shapes.compile<T>(schema);
}

/** The check of configuration read from the environment: coerces strings in place and fills in defaults. */
export function compileConfig<T>(schema: object): ValidateFunction<T> {
  return config.compile<T>(schema);
}

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
