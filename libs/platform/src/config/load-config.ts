import { CodedError } from '@admit/contracts';
import { Static, TObject } from '@sinclair/typebox';
import { compileConfig } from '@admit/contracts';
import type { ErrorObject } from 'ajv';

export class ConfigError extends CodedError<'ERR_CONFIG_INVALID'> {
  constructor(readonly problems: string[]) {
    super('ERR_CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the variables `schema` names from the environment, applies defaults, coerces types, and
 * fails with one line per bad variable, naming it. Runs once, at start.
 */
export function loadConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const input: Record<string, string> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const validate = compileConfig(schema);
  const problems = validate(input) ? [] : (validate.errors ?? []).map((e) => describe(e, env));
  // Ajv's coercion takes "Infinity", "0x1F", "1e3" or " 7 " as integers; a setting must be plain digits.
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = env[name];
    const flagged = problems.some((p) => p.startsWith(`${name} `));
    if ((property as { type?: string }).type === 'integer' && value && !/^-?[0-9]+$/.test(value) && !flagged) {
      problems.push(`${name} must be integer, got ${JSON.stringify(value)}`);
    }
  }
  // A `…_MIN_…` setting may not be above its `…_MAX_…` pair.
  if (problems.length === 0) {
    for (const name of Object.keys(schema.properties).filter((n) => n.includes('_MIN_'))) {
      const max = name.replace('_MIN_', '_MAX_');
      const [low, high] = [input[name] as unknown, input[max] as unknown];
      if (typeof low === 'number' && typeof high === 'number' && low > high) {
        problems.push(`${name}=${low} is above ${max}=${high}; expected ${name} at most ${max}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return input as Static<S>;
}

function describe(error: ErrorObject, env: NodeJS.ProcessEnv): string {
  if (error.keyword === 'required') return `${String(error.params.missingProperty)} is required`;
  const name = error.instancePath.split('/')[1] ?? '(unknown)';
  const allowed = error.keyword === 'enum' ? ` (one of ${(error.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${name} ${error.message ?? 'is invalid'}${allowed}, got ${JSON.stringify(env[name])}`;
}

/** Splits a comma-separated variable into its trimmed, non-empty items. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
