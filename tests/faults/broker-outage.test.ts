// The Kafka broker stopped for at least 10 s under registration load, then started again (its data
// kept). Real: the built apps as separate processes, the broker (tools/kafka), PostgreSQL. Nothing
// stubbed. The broker is shared by the whole jest run, which runs in band; the suite refuses to stop
// it while another jest run uses it, and always starts it again.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ROOT } from '@admit/launcher';
import { eventually } from '../support/poll';
import { FaultStack } from './support/fault-stack';
import { expectEachDecidedOnce, report } from './support/ledger';
import { Load } from './support/load';

const OUTAGE_MS = 10_000;
const run = promisify(execFile);
const kafka = (script: 'start' | 'stop') => run('bash', [join(ROOT, 'tools', 'kafka', `${script}.sh`)], { cwd: ROOT });

/** Other jest runs on this machine that may use the broker (this run's own process and its ancestors excluded). */
async function otherJestRuns(): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  const rows = stdout.split('\n').map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  const parent = new Map(rows.map(([, pid, ppid]) => [Number(pid), Number(ppid)]));
  const mine = new Set<number>();
  for (let pid: number | undefined = process.pid; pid && !mine.has(pid); pid = parent.get(pid)) mine.add(pid);
  // Jest workers of this run are its children; this suite runs in band, so there are none.
  // Unit-only runs never touch the broker.
  const usesBroker = (args: string) => /jest/.test(args) && !/--selectProjects[ =]unit(\s|$)/.test(args) && !/\.spec\.ts/.test(args);
  return rows.filter(([, pid, ppid, args]) => usesBroker(args) && !mine.has(Number(pid)) && !mine.has(Number(ppid))).map(([, pid, , args]) => `${pid} ${args}`);
}

describe('the Kafka broker stopped under load (distributed)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.create('broker', { ADMIT_DECISION_TIMEOUT_MS: '3000' });
    await stack.startAll();
  });
  afterAll(async () => {
    await kafka('start');
    await stack?.close();
  });

  it('callers get 201 or 503 meanwhile; producers and consumers recover and every queued request is decided and audited once', async () => {
    const others = await eventually('no other jest run using the shared broker', async () => ((await otherJestRuns()).length === 0 ? true : undefined), 300_000).catch(async () => {
      throw new Error(`refusing to stop the shared broker while other jest runs use it:\n${(await otherJestRuns()).join('\n')}`);
    });
    expect(others).toBe(true);
    const load = new Load(() => stack.url('intake'), 'broker').start();
    await eventually('decisions before the outage', () => (load.countSince(0, 201) >= 10 ? true : undefined));
    const mark = load.sent.length;
    try {
      await kafka('stop');
      const down = Date.now();
      // Down until 10 s passed and callers were told: 503, never a hang or a dropped connection.
      await eventually('503 answers during a 10 s outage', () => (load.countSince(mark, 503) >= 3 && Date.now() - down >= OUTAGE_MS ? true : undefined), 120_000);
    } finally {
      await kafka('start');
    }
    const restarted = load.sent.length;
    await eventually('decisions after the broker came back', () => (load.countSince(restarted, 201) >= 20 ? true : undefined), 180_000);
    const sent = await load.stop();
    const ledger = await expectEachDecidedOnce(stack.pg, sent, 180_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${stack.logs(/error|warn|ERROR|WARN/).split('\n').slice(-60).join('\n')}`);
    });
    report('broker stopped', ledger);
    expect(stack.apps.map((a) => a.child.exitCode)).toEqual(stack.apps.map(() => null));
  }, 600_000);
});
