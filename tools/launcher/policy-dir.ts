import { ROOT } from './launcher';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_POLICIES = join(ROOT, 'policies');

export interface PolicyDir {
  dir: string;
  remove(): void;
}

/**
 * A fresh policy folder: the repository's default policies and schema, plus `examples/<name>` for
 * each example named, plus `extra` files. Suites that register plain (self-asserted) metadata add
 * `allow-self-asserted.cedar`; the defaults themselves deny it.
 */
export function policyDir(examples: string[] = [], extra: Record<string, string> = {}): PolicyDir {
  const dir = mkdtempSync(join(tmpdir(), 'admit-policies-'));
  for (const name of readdirSync(REPO_POLICIES, { withFileTypes: true })) {
    if (name.isFile()) cpSync(join(REPO_POLICIES, name.name), join(dir, name.name));
  }
  for (const example of examples) cpSync(join(REPO_POLICIES, 'examples', example), join(dir, example));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The defaults plus the development example that admits self-asserted metadata. */
export function selfAssertedPolicyDir(): PolicyDir {
  return policyDir(['allow-self-asserted.cedar']);
}
