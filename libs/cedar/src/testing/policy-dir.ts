import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_FILE } from '../policy-files';

export const REPO_POLICIES = join(__dirname, '..', '..', '..', '..', 'policies');
export const REPO_SCHEMA = readFileSync(join(REPO_POLICIES, SCHEMA_FILE), 'utf8');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh temp folder, removed after the spec, holding `files` and the schema (none when null). */
export function policyDir(files: Record<string, string>, schema: string | null = REPO_SCHEMA): string {
  const dir = mkdtempSync(join(tmpdir(), 'admit-policies-'));
  dirs.push(dir);
  if (schema !== null) writeFileSync(join(dir, SCHEMA_FILE), schema);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
