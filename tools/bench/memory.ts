import { ROOT } from '@admit/launcher';
import { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_CPU_PROFILE } from './bench-config';

/** Memory of the serving processes after GC, summed over them, in bytes; and their CPU time so far. */
export interface MemoryReading {
  processes: number;
  rss: number;
  heapUsed: number;
  external: number;
  /** user + system CPU time, in ms, summed */
  cpuMs: number;
  /** CPU ms by process name, to split a phase's cost between processes */
  cpuMsBy: Record<string, number>;
}

export interface ProbedProcess {
  name: string;
  child: ChildProcess;
}

const PROBE = join(ROOT, 'tools', 'bench', 'memory-probe.js');
const LINE = /^admit-bench-memory (\{.*\})$/;
export const PROFILE_DIR = join(ROOT, 'bench', 'profiles');

/**
 * The environment that preloads memory-probe.js into a serving process, and with BENCH_CPU_PROFILE=1
 * has it write a CPU profile to bench/profiles when it exits.
 */
export function probeEnv(): Record<string, string> {
  const profile = BENCH_CPU_PROFILE;
  if (profile) mkdirSync(PROFILE_DIR, { recursive: true });
  return {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc', `--require ${PROBE}`].filter(Boolean).join(' '),
    ...(profile ? { ADMIT_BENCH_CPU_PROFILE_DIR: PROFILE_DIR } : {}),
  };
}

/** Reads the probe's lines from the processes' output; `read` asks each process for one. */
export class MemoryProbe {
  private readonly waiting = new Map<number, (reading: MemoryReading) => void>();

  /** Give every line the processes print to this. */
  readonly onLine = (line: string): void => {
    const match = LINE.exec(line.trim());
    if (!match) return;
    const { pid, rss, heapUsed, external, cpuMs } = JSON.parse(match[1]) as { pid: number } & MemoryReading;
    this.waiting.get(pid)?.({ processes: 1, rss, heapUsed, external, cpuMs, cpuMsBy: {} });
    this.waiting.delete(pid);
  };

  async read(processes: ProbedProcess[], timeoutMs = 10_000): Promise<MemoryReading> {
    const readings = await Promise.all(
      processes.map(
        ({ name, child }) =>
          new Promise<MemoryReading>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not report its memory within ${timeoutMs} ms`)), timeoutMs);
            this.waiting.set(child.pid!, (reading) => {
              clearTimeout(timer);
              resolve({ ...reading, cpuMsBy: { [name]: reading.cpuMs } });
            });
            child.kill('SIGUSR2');
          }),
      ),
    );
    return readings.reduce(
      (sum, r) => ({
        processes: sum.processes + 1,
        rss: sum.rss + r.rss,
        heapUsed: sum.heapUsed + r.heapUsed,
        external: sum.external + r.external,
        cpuMs: sum.cpuMs + r.cpuMs,
        cpuMsBy: { ...sum.cpuMsBy, ...r.cpuMsBy },
      }),
      { processes: 0, rss: 0, heapUsed: 0, external: 0, cpuMs: 0, cpuMsBy: {} },
    );
  }
}
