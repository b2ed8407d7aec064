import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The processes outside Admit that a distributed registration also costs, by what /proc says they run. */
const EXTERNAL: Record<string, (comm: string, cmdline: string) => boolean> = {
  broker: (_comm, cmdline) => cmdline.includes('kafka.Kafka'),
  postgres: (comm) => comm === 'postgres',
};

/**
 * CPU ms (user + system) used so far by the Kafka broker and by every PostgreSQL process, read from
 * /proc. A backend that ends between two readings takes its CPU with it, so Admit's pooled,
 * long-lived connections are what this measures well.
 */
export function externalCpuMs(): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(EXTERNAL).map((name) => [name, 0]));
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      for (const [name, matches] of Object.entries(EXTERNAL)) {
        // utime and stime are fields 14 and 15 of stat, so 11 and 12 after the comm.
        if (matches(comm, cmdline)) totals[name] += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
      }
    } catch {
      // The process ended while being read.
    }
  }
  return totals;
}
