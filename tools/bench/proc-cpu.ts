import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The processes outside Admit that a distributed registration also costs, by what /proc says they run. */
const EXTERNAL: Record<string, (comm: string, cmdline: string) => boolean> = {
  broker: (_comm, cmdline) => cmdline.includes('kafka.Kafka'),
  postgres: (comm) => comm === 'postgres',
};

/** A process's name (comm) and the CPU ms (user + system) it used so far, from /proc/<pid>/stat. */
function statOf(pid: number | string): { comm: string; cpuMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm is in parentheses and may hold spaces; the fields after it are fixed.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, so 11 and 12 after the comm.
  return { comm: stat.slice(stat.indexOf('(') + 1, close), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS };
}

/**
 * CPU ms (user + system) used so far by the Kafka broker and by every PostgreSQL process, read from
 * /proc. A backend that ends between two readings takes its CPU with it, so Admit's pooled,
 * long-lived connections are what this measures well.
 */
export function externalCpuMs(): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(EXTERNAL).map((name) => [name, 0]));
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const { comm, cpuMs } = statOf(pid);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      for (const [name, matches] of Object.entries(EXTERNAL)) {
        if (matches(comm, cmdline)) totals[name] += cpuMs;
      }
    } catch {
      // The process ended while being read.
    }
  }
  return totals;
}

/**
 * CPU ms used so far by Admit's processes (summed by name), the broker and PostgreSQL (as
 * `externalCpuMs`), and this process (the load generator): what the machine spends on a figure.
 */
export function cpuMsByProcess(processes: { name: string; pid: number }[]): Record<string, number> {
  const own = process.cpuUsage();
  const totals: Record<string, number> = { ...externalCpuMs(), generator: (own.user + own.system) / 1000 };
  for (const { name, pid } of processes) totals[name] = (totals[name] ?? 0) + statOf(pid).cpuMs;
  return totals;
}
