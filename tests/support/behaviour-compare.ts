import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Compares two behaviour records (see behaviour-record.ts), suite by suite, as sets of distinct
 * lines: prints each line only one of them holds, and exits 1 when any differ.
 *
 *   npx tsx tests/support/behaviour-compare.ts <before-dir> <after-dir>
 */
const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: behaviour-compare.ts <before-dir> <after-dir>');
  process.exit(2);
}

const linesOf = (dir: string, file: string): Set<string> =>
  new Set(existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean) : []);

let differing = 0;
const suites = [...new Set([...readdirSync(before), ...readdirSync(after)])].sort();
for (const file of suites) {
  const [was, is] = [linesOf(before, file), linesOf(after, file)];
  const gone = [...was].filter((line) => !is.has(line)).sort();
  const added = [...is].filter((line) => !was.has(line)).sort();
  console.log(`${file}: ${was.size} before, ${is.size} after, ${gone.length} only before, ${added.length} only after`);
  for (const line of gone) console.log(`  - ${line}`);
  for (const line of added) console.log(`  + ${line}`);
  differing += gone.length + added.length;
}
process.exit(differing > 0 ? 1 : 0);
