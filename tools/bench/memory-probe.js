// Preloaded into every serving process the bench starts (NODE_OPTIONS="--expose-gc --require
// <this file>"), so memory can be read from outside without a line of bench code in the apps. On
// SIGUSR2 it reads its CPU time, collects garbage and prints one `admit-bench-memory {json}` line on stdout, which the
// bench reads through the launcher. With ADMIT_BENCH_CPU_PROFILE_DIR set it also records a CPU
// profile from its last memory reading to exit (`--cpu-prof` is not allowed in NODE_OPTIONS on Node 20).
// Plain CommonJS: it runs before any loader, inside the built apps and the peer alike.
'use strict';
const { writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

let restartProfile = () => {};

process.on('SIGUSR2', () => {
  // CPU first, so the forced GC below is not charged to the phase the next reading closes.
  const cpu = process.cpuUsage();
  restartProfile();
  if (typeof global.gc === 'function') {
    // Twice: the first pass can leave garbage that only a finalizer released.
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  const line = { pid: process.pid, rss: m.rss, heapUsed: m.heapUsed, external: m.external, cpuMs: (cpu.user + cpu.system) / 1000 };
  process.stdout.write(`admit-bench-memory ${JSON.stringify(line)}\n`);
});

const profileDir = process.env.ADMIT_BENCH_CPU_PROFILE_DIR;
if (profileDir) {
  const { Session } = require('node:inspector');
  // dist/apps/<name>/main.js and tools/bench/peer/server.ts: the folder names the process.
  const name = basename(dirname(process.argv[1] ?? 'node'));
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // Each memory reading starts the profile afresh, so it covers the last measured phase, not start-up.
  restartProfile = () => {
    session.post('Profiler.stop');
    session.post('Profiler.start');
  };
  // The in-process session answers synchronously, so the profile is written even from 'exit'.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(profileDir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
