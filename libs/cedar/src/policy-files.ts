import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyLoadError } from './policy-error';

/** The schema every policy folder holds; policies are validated against it. */
export const SCHEMA_FILE = 'admit.cedarschema';

/** A policy set as text: what a folder holds and what `admit.policies.v1` carries. */
export interface PolicyFiles {
  schema: string;
  /** Every `*.cedar` file, by name, in name order. */
  files: { name: string; text: string }[];
}

/** Reads `admit.cedarschema` and the `*.cedar` files at the top of `dir` (not its subfolders). */
export function readPolicyDir(dir: string): PolicyFiles {
  const names = readdirSync(dir);
  if (!names.includes(SCHEMA_FILE)) throw new PolicyLoadError(`no ${SCHEMA_FILE} in ${dir}`);
  const files = names
    .filter((name) => name.endsWith('.cedar'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  if (files.length === 0) throw new PolicyLoadError(`no *.cedar files in ${dir}`);
  return { schema: readFileSync(join(dir, SCHEMA_FILE), 'utf8'), files };
}

/**
 * The version: a content hash of the schema and every file (name and text), so the same policies
 * have the same version on every instance, and any change, even one character, gives a new one.
 */
export function policyVersion({ schema, files }: PolicyFiles): string {
  const hash = createHash('sha256');
  // JSON keeps the parts apart unambiguously.
  hash.update(JSON.stringify({ schema, files: files.map((f) => [f.name, f.text]) }));
  return `sha256:${hash.digest('hex')}`;
}
