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

/** CPU ms (user + system) used so far by each broker and PostgreSQL process: by name, then by pid. */
export type ExternalCpu = Record<string, Map<string, number>>;

/** The Kafka broker's and every PostgreSQL process's CPU so far, read from /proc. */
export function externalCpu(): ExternalCpu {
  const reading: ExternalCpu = Object.fromEntries(Object.keys(EXTERNAL).map((name) => [name, new Map()]));
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const { comm, cpuMs } = statOf(pid);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      for (const [name, matches] of Object.entries(EXTERNAL)) {
        if (matches(comm, cmdline)) reading[name].set(pid, cpuMs);
      }
    } catch {
      // The process ended while being read.
    }
  }
  return reading;
}

/**
 * CPU ms each of the broker and PostgreSQL spent since `before`, over the processes alive at both
 * readings: a backend that ended in between took its CPU with it, so Admit's pooled, long-lived
 * connections are what this measures well. A backend started in between counts from zero.
 */
export function externalCpuMsSince(before: ExternalCpu): Record<string, number> {
  const after = externalCpu();
  return Object.fromEntries(
    Object.entries(after).map(([name, pids]) => [name, [...pids].reduce((sum, [pid, ms]) => sum + ms - (before[name].get(pid) ?? 0), 0)]),
  );
}

/**
 * Runs `load`, `count` operations, and returns its result with the CPU ms (user + system) spent per
 * operation by each of Admit's processes (summed by name), the broker and PostgreSQL (as
 * `externalCpuMsSince`), and this process (the load generator): what the machine spends on it.
 */
export async function cpuPerOperation<T>(processes: { name: string; pid: number }[], count: number, load: () => Promise<T>): Promise<{ result: T; perOperation: Record<string, number> }> {
  const byName = () => {
    const own = process.cpuUsage();
    const totals: Record<string, number> = { generator: (own.user + own.system) / 1000 };
    for (const { name, pid } of processes) totals[name] = (totals[name] ?? 0) + statOf(pid).cpuMs;
    return totals;
  };
  const [before, externalBefore] = [byName(), externalCpu()];
  const result = await load();
  const spent = { ...externalCpuMsSince(externalBefore), ...Object.fromEntries(Object.entries(byName()).map(([name, ms]) => [name, ms - before[name]])) };
  return { result, perOperation: Object.fromEntries(Object.entries(spent).map(([name, ms]) => [name, ms / count])) };
}
