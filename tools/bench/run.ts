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
import { warmCimdAdmissions } from './cimd';
import { Figure, printTable } from './figures';
import { policyFigures } from './policy';
import { sequentialRegistration } from './registration';
import { statementFigures } from './statements';

async function main(): Promise<void> {
  console.log('admit bench (loopback only; medians and ratios from this run)');
  const embedded = await sequentialRegistration('embedded');
  const distributed = await sequentialRegistration('distributed');
  distributed.ratio = { to: 'embedded p50', value: distributed.p50 / embedded.p50 };
  const figures: Figure[] = [embedded, distributed, await warmCimdAdmissions(), ...(await statementFigures()), ...(await policyFigures()), ...(await accessFigures()), ...(await auditIngestFigures())];
  printTable(figures);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), figures }, null, 2)}\n`);
  console.log('\nwrote bench/results/latest.json');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
