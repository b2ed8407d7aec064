/** One row of the bench table. Latencies in ms (or `unit`); `rate` in operations per second. */
export interface Figure {
  name: string;
  samples: number;
  rate?: number;
  median: number;
  p50: number;
  p99: number;
  /** What median/p50/p99 count, when not milliseconds. */
  unit?: 'KiB';
  target?: string;
  /** Whether the target was reached, where it has a measured criterion. */
  met?: boolean;
  ratio?: { to: string; value: number };
  /** Requests that got no expected answer (they count in no latency). */
  failed?: number;
  detail?: Record<string, number | string>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function figure(name: string, latenciesMs: number[], extra: Partial<Figure> = {}): Figure {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return { name, samples: sorted.length, median, p50: median, p99: percentile(sorted, 99), ...extra };
}

/** Runs `op` `count` times one after another; returns each duration in ms and the overall rate. */
export async function timeSequential(count: number, op: (i: number) => Promise<unknown> | unknown): Promise<{ latencies: number[]; rate: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    latencies.push(performance.now() - t);
  }
  return { latencies, rate: (count / (performance.now() - start)) * 1000 };
}

/** Runs `op` `count` times with `concurrency` in flight; returns each duration in ms and the overall rate. */
export async function timeConcurrent(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; rate: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, rate: (count / (performance.now() - start)) * 1000 };
}

export function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => {
    // A figure whose every request failed has no latency to show.
    const value = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(v < 1 ? 3 : 2)} ${f.unit ?? 'ms'}`);
    return [
      f.failed ? `${f.name} [${f.failed} failed]` : f.name,
      String(f.samples),
      f.rate === undefined ? '-' : `${Math.round(f.rate).toLocaleString('en-US')}/s`,
      value(f.median),
      value(f.p50),
      value(f.p99),
      f.ratio ? `${f.ratio.value.toFixed(2)}x ${f.ratio.to}` : '-',
      f.target === undefined ? '-' : `${f.target}${f.met === undefined ? '' : f.met ? ' (met)' : ' (MISSED)'}`,
    ];
  });
  const header = ['figure', 'n', 'rate', 'median', 'p50', 'p99', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const round = (v: number | string) => (typeof v === 'number' ? Number(v.toPrecision(3)) : v);
  for (const f of figures.filter((f) => f.detail)) {
    console.log(`  ${f.name}: ${Object.entries(f.detail!).map(([k, v]) => `${k}=${round(v)}`).join(' ')}`);
  }
}
