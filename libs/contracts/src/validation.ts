import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { catalog } from './catalog';
import { Topic } from './topics';

const ajv = addFormats(new Ajv({ allErrors: false, strict: true }), ['date-time', 'uri']);

/** Validators are compiled once, at load, from the catalog. */
const validators = new Map<string, ValidateFunction>(
  Object.entries(catalog).map(([topic, contract]) => [topic, ajv.compile(contract.schema)]),
);

/** Returns null when `data` is a valid body for `type`, or a one-line reason. */
export function checkEventData(type: Topic, data: unknown): string | null {
  const validate = validators.get(type);
  if (!validate) return `no schema for ${type}`;
  if (validate(data)) return null;
  return ajv.errorsText(validate.errors, { dataVar: 'data', separator: '; ' }).slice(0, 1024);
}

export function isKnownType(type: string): type is Topic {
  return validators.has(type);
}
