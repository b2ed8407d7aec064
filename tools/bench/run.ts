/**
 * `npm run bench`: measures Admit as a user runs it (separate processes, loopback only) and the
 * pieces that bound it, each beside a reference measured in the same run. Prints one row per figure
 * and writes the same figures to bench/results/latest.json. Every loop is bounded in count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@admit/launcher';
import { accessFigures } from './access';
import { auditIngestFigures } from './audit';
import { auditQueryFigures } from './audit-queries';
import { capacityFigures } from './capacity';
import { warmCimdAdmissions } from './cimd';
import { Figure, printTable } from './figures';
import { jtiCheckFigures } from './jti';
import { policyFigures } from './policy';
import { registrationFigures } from './registration';
import { statementFigures } from './statements';

/** Groups that run only when named (`npm run bench -- audit-queries`): they take minutes to seed. */
const NAMED: Record<string, () => Promise<Figure | Figure[]>> = { 'audit-queries': auditQueryFigures, capacity: capacityFigures };

async function main(): Promise<void> {
  console.log('admit bench (loopback only; medians and ratios from this run)');
  const started = performance.now();
  const failures: Error[] = [];
  const named = process.argv.slice(2);
  const unknown = named.filter((n) => !(n in NAMED));
  if (unknown.length > 0) throw new Error(`unknown bench group(s) ${unknown.join(', ')}; known: ${Object.keys(NAMED).join(', ')}`);
  const groups: (() => Promise<Figure | Figure[]>)[] =
    named.length > 0 ? named.map((n) => NAMED[n]) : [warmCimdAdmissions, statementFigures, policyFigures, accessFigures, jtiCheckFigures, auditIngestFigures];
  // Progress on a terminal only (stderr, one line rewritten): which group runs, and for how long so far.
  const progress = (step: number, name: string) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K[${step}/${groups.length + 1}] ${name}… (${Math.round((performance.now() - started) / 1000)} s)`);
  };
  progress(1, 'registrations');
  const figures: Figure[] = named.length > 0 ? [] : [...(await registrationFigures(failures))];
  // A group that fails (a broker outage, say) is reported, and the others still run.
  for (const [i, group] of groups.entries()) {
    progress(i + 2, group.name);
    try {
      figures.push(...[await group()].flat());
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  // Written before printing, so a figure the table cannot show is still on record.
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const failed = failures.map((e) => e.message);
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), seconds: (performance.now() - started) / 1000, figures, failed }, null, 2)}\n`);
  printTable(figures);
  console.log(`\nwrote bench/results/latest.json after ${Math.round((performance.now() - started) / 1000)} s`);
  if (failed.length > 0) {
    console.error(`\n${failed.length} figure group(s) failed:\n${failed.map((m) => `- ${m.split('\n')[0]}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
