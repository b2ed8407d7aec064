import { randomBytes } from 'node:crypto';
import { BenchAnchor, createBenchAnchor } from './anchor';
import { Figure, figure, timeConcurrent } from './figures';
import { closedLoop, LoadResult, openLoop } from './load';
import { MemoryReading } from './memory';
import { withPeer } from './peer/peer';
import { externalCpu, externalCpuMsSince } from './proc-cpu';
import { Mode, withAdmit } from './stacks';
import { bench } from './bench-config';

const OFFERED_RATE = bench.BENCH_REGISTRATION_RATE;
const OFFERED_COUNT = bench.BENCH_REGISTRATION_COUNT;
const MAX_COUNT = bench.BENCH_REGISTRATION_MAX_COUNT;
const MAX_CONCURRENCY = 64;
const WARMUP = 300;
const MEMORY_CLIENTS = 400; // the peer's in-memory adapter keeps at least 500 clients (an LRU of 1,000 entries, 2 per client)
const KIB = 1024;

/** CPU per registration summed over Admit's Node processes, by mode. */
const CPU_BUDGET_MS: Record<Mode, number> = { embedded: 1.0, distributed: 2.0 };

/** One system that registers clients over loopback: Admit in a mode, or the peer. */
interface Registrar {
  label: string;
  path: string;
  memory(): Promise<MemoryReading>;
  /** Admit's mode; distributed also costs the broker and PostgreSQL, read from /proc. */
  mode?: Mode;
}

interface RegistrationRun {
  offered: Figure;
  max: Figure;
  memory: Figure;
  cpu: Figure;
}

/**
 * Registration with an ES256 software statement, end to end, in the peer (oidc-provider open
 * registration), embedded Admit and distributed Admit, one after another in this run, each under the
 * same load and the same RFC 7591 body: a new statement (new `software_id`, so a new client) per
 * request. Per system: an open-loop offered rate, a closed-loop maximum, and memory growth per
 * registered client after GC.
 */
export async function registrationFigures(failures: Error[] = []): Promise<Figure[]> {
  const anchor = await createBenchAnchor();
  // One system failing (a broker outage, say) leaves the others' rows; the failure is reported.
  const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  };
  try {
    const peer = await attempt(() => withPeer((p) => measure(anchor, { label: `peer: oidc-provider ${p.version}`, path: `${p.url}/reg`, memory: p.memory })));
    const admit = (mode: Mode) =>
      attempt(() =>
        withAdmit(mode, { ADMIT_TRUST_ANCHORS_FILE: anchor.file }, (stack) => measure(anchor, { label: `Admit ${mode}`, path: `${stack.intakeUrl}/register`, memory: stack.memory, mode })),
      );
    const embedded = await admit('embedded');
    const distributed = await admit('distributed');
    // Scale-out: the same maximum with a second validator, in this run.
    const twoValidators = await attempt(() =>
      withAdmit(
        'distributed',
        { ADMIT_TRUST_ANCHORS_FILE: anchor.file },
        (stack) => maxThroughput(anchor, `${stack.intakeUrl}/register`, 'Admit distributed, 2 validators'),
        { validator: 2 },
      ),
    );
    if (twoValidators && distributed) twoValidators.ratio = { to: 'one of each', value: twoValidators.rate! / distributed.max.rate! };

    for (const run of [embedded, distributed]) {
      if (!run || !peer) continue;
      run.max.ratio = { to: 'peer max', value: run.max.rate! / peer.max.rate! };
      run.offered.ratio = { to: 'peer achieved', value: run.offered.rate! / peer.offered.rate! };
      run.memory.ratio = { to: 'peer heap/client', value: run.memory.median / peer.memory.median };
    }
    if (embedded) Object.assign(embedded.max, { target: '>= peer max', ...(peer ? { met: embedded.max.rate! >= peer.max.rate! } : {}) });
    if (distributed) {
      Object.assign(distributed.max, { target: '>= 1,000/s', met: distributed.max.rate! >= 1_000 });
      Object.assign(distributed.offered, {
        target: `p99 <= 50 ms at ${OFFERED_RATE}/s offered`,
        met: distributed.offered.p99 <= 50 && !distributed.offered.failed && distributed.offered.rate! >= 0.95 * OFFERED_RATE,
      });
    }
    for (const run of [embedded, distributed]) if (run && peer) run.cpu.ratio = { to: 'peer CPU/registration', value: run.cpu.median / peer.cpu.median };
    const runs = [peer, embedded, distributed].filter((r): r is RegistrationRun => r !== undefined);
    return runs.flatMap((r) => [r.offered, r.max]).concat(twoValidators ? [twoValidators] : [], runs.map((r) => r.memory), runs.map((r) => r.cpu));
  } finally {
    anchor.remove();
  }
}

/** Request bodies with a new statement each (so a new client each); signed before any load starts, so the load generator only sends. */
function statementBodies(anchor: BenchAnchor): (phase: string, count: number) => Promise<string[]> {
  const run = randomBytes(4).toString('hex');
  return (phase, count) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) =>
        JSON.stringify({ software_statement: await anchor.sign(`bench-${run}-${phase}-${i}`), redirect_uris: ['https://bench.example/cb'], token_endpoint_auth_method: 'none' }),
      ),
    );
}

/** One registration at `path`, which must answer 201. */
function registerAt(path: string, label: string): (body: string) => Promise<void> {
  return async (body) => {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`${label} answered ${res.status}: ${text.slice(0, 300)}`);
  };
}

function maxFigure(label: string, max: LoadResult): Figure {
  return figure(`registration, ES256 statement, max, ${MAX_CONCURRENCY} concurrent (${label})`, max.latencies, {
    rate: max.rate,
    ...(max.failed ? { failed: max.failed } : {}),
  });
}

/** Only the closed-loop maximum, after the same warm-up. */
async function maxThroughput(anchor: BenchAnchor, path: string, label: string): Promise<Figure> {
  const bodies = statementBodies(anchor);
  const register = registerAt(path, label);
  const [warmup, maxBodies] = await Promise.all([bodies('warmup', WARMUP), bodies('max', MAX_COUNT)]);
  await timeConcurrent(WARMUP, 16, (i) => register(warmup[i]));
  return maxFigure(label, await closedLoop(MAX_COUNT, MAX_CONCURRENCY, (i) => register(maxBodies[i])));
}

async function measure(anchor: BenchAnchor, system: Registrar): Promise<RegistrationRun> {
  const bodies = statementBodies(anchor);
  const register = registerAt(system.path, system.label);

  // All signed first: an idle gap between phases would let the server close kept-alive sockets
  // just as the next phase reuses them.
  const [warmup, memoryBodies, offeredBodies, maxBodies] = await Promise.all([
    bodies('warmup', WARMUP),
    bodies('memory', MEMORY_CLIENTS),
    bodies('offered', OFFERED_COUNT),
    bodies('max', MAX_COUNT),
  ]);
  await timeConcurrent(WARMUP, 16, (i) => register(warmup[i]));

  const [before, externalBefore] = [await system.memory(), externalCpu()];
  await timeConcurrent(MEMORY_CLIENTS, 16, (i) => register(memoryBodies[i]));
  const [after, externalSpent] = [await system.memory(), externalCpuMsSince(externalBefore)];
  const heapPerClient = (after.heapUsed + after.external - before.heapUsed - before.external) / MEMORY_CLIENTS / KIB;
  const rssPerClient = (after.rss - before.rss) / MEMORY_CLIENTS / KIB;
  // CPU per registration in the same phase, by process: where the time goes, measured.
  const cpuMsPerClient = Object.fromEntries(Object.entries(after.cpuMsBy).map(([name, ms]) => [`cpuMsPerClient.${name}`, (ms - before.cpuMsBy[name]) / MEMORY_CLIENTS]));
  const cpuMs = (after.cpuMs - before.cpuMs) / MEMORY_CLIENTS;
  const external =
    system.mode === 'distributed'
      ? Object.fromEntries(Object.entries(externalSpent).map(([name, ms]) => [`cpuMsPerClient.${name}`, ms / MEMORY_CLIENTS]))
      : {};

  const max = await closedLoop(MAX_COUNT, MAX_CONCURRENCY, (i) => register(maxBodies[i]));
  // Last: a system slower than the offered rate is left with a backlog, which would weigh on the next phase.
  const offered = await openLoop(OFFERED_RATE, OFFERED_COUNT, (i) => register(offeredBodies[i]));

  return {
    offered: figure(`registration, ES256 statement, ${OFFERED_RATE}/s offered (${system.label})`, offered.latencies, {
      rate: offered.rate,
      ...(offered.failed ? { failed: offered.failed } : {}),
    }),
    max: maxFigure(system.label, max),
    memory: figure(`memory per registered client, heap+external after GC (${system.label})`, [heapPerClient], {
      samples: MEMORY_CLIENTS,
      unit: 'KiB',
      detail: {
        rssKiBPerClient: rssPerClient,
        cpuMsPerClient: cpuMs,
        ...cpuMsPerClient,
        processes: after.processes,
        heapBeforeMiB: (before.heapUsed + before.external) / KIB / KIB,
        rssAfterMiB: after.rss / KIB / KIB,
      },
    }),
    // CPU over the same registrations: summed over the system's own processes; the broker and PostgreSQL in detail.
    cpu: figure(`CPU per registration, ms, summed over processes (${system.label})`, [cpuMs], {
      samples: MEMORY_CLIENTS,
      ...(system.mode ? { target: `<= ${CPU_BUDGET_MS[system.mode].toFixed(1)} ms`, met: cpuMs <= CPU_BUDGET_MS[system.mode] } : {}),
      detail: { ...cpuMsPerClient, ...external },
    }),
  };
}

// `tsx tools/bench/registration.ts` runs these figures alone.
if (require.main === module) {
  const failures: Error[] = [];
  void import('./figures').then(({ printTable }) =>
    registrationFigures(failures).then(
      (figures) => {
        printTable(figures);
        for (const failure of failures) console.error(failure);
        process.exitCode = failures.length > 0 ? 1 : 0;
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    ),
  );
}
