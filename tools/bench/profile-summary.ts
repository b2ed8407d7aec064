/**
 * `tsx tools/bench/profile-summary.ts <file.cpuprofile>...`: where a process spent its CPU, from the
 * profiles `BENCH_CPU_PROFILE=1` writes to bench/profiles: self time by package (or Admit lib) and
 * by function, as shares of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package or Admit lib a script belongs to; webpack's source-mapped paths name the lib. */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  if (url.includes('/dist/apps/')) return 'admit (bundled app code)';
  return basename(url);
}

function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)));
  // WebAssembly frames name no file: charge them to the package whose JavaScript called them.
  const ownerOf = (id: number): string => {
    const { url, functionName } = byId.get(id)!.callFrame;
    if (!functionName.startsWith('wasm-function')) return owner(url, functionName);
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)!.callFrame;
      if (!frame.functionName.startsWith('wasm-function') && frame.url) return `${owner(frame.url, frame.functionName)} (wasm)`;
    }
    return '(wasm)';
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const who = ownerOf(id);
    byOwner.set(who, (byOwner.get(who) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${who}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  console.log(`\n${basename(file)}: ${(busy / 1000).toFixed(0)} ms busy\n by package:\n${top(byOwner, 12).join('\n')}\n by function:\n${top(byFunction, 15).join('\n')}`);
}

process.argv.slice(2).forEach(summarize);
