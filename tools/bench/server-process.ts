import { ROOT } from '@admit/launcher';
import { spawn } from 'node:child_process';
import { MemoryProbe, MemoryReading, probeEnv } from './memory';

const READY_MS = 30_000;

/** Starts `file` (which prints `listening on <url>`) with the memory probe, runs `measure` (given the process's pid), then stops it. */
export async function withServerProcess<T>(file: string, name: string, measure: (url: string, memory: () => Promise<MemoryReading>, pid: number) => Promise<T>): Promise<T> {
  const probe = new MemoryProbe();
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, ...probeEnv(), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output: string[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${name} was not ready within ${READY_MS} ms:\n${output.join('\n')}`)), READY_MS);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          output.push(line);
          probe.onLine(line);
          const listening = /listening on (http:\/\/\S+)/.exec(line)?.[1];
          if (listening) {
            clearTimeout(timer);
            resolve(listening);
          }
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`the ${name} exited before it was ready:\n${output.join('\n')}`)));
    });
    return await measure(url, () => probe.read([{ name, child }]), child.pid!);
  } finally {
    child.kill('SIGTERM');
    await exited;
    process.off('exit', killOnExit);
  }
}
