import { ROOT } from '@admit/launcher';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MemoryProbe, MemoryReading, probeEnv } from '../memory';

export interface Peer {
  /** The issuer; open registration is at `${url}/reg`. */
  url: string;
  version: string;
  memory(): Promise<MemoryReading>;
}

const SERVER = join(ROOT, 'tools', 'bench', 'peer', 'server.ts');
const READY_MS = 30_000;

/** Runs `measure` against a fresh oidc-provider (peer/server.ts) in a process of its own, then stops it. */
export async function withPeer<T>(measure: (peer: Peer) => Promise<T>): Promise<T> {
  const probe = new MemoryProbe();
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
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
      const timer = setTimeout(() => reject(new Error(`the peer was not ready within ${READY_MS} ms:\n${output.join('\n')}`)), READY_MS);
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
      void exited.then(() => reject(new Error(`the peer exited before it was ready:\n${output.join('\n')}`)));
    });
    const version = (require(join(ROOT, 'node_modules', 'oidc-provider', 'package.json')) as { version: string }).version;
    return await measure({ url, version, memory: () => probe.read([{ name: 'peer', child }]) });
  } finally {
    child.kill('SIGTERM');
    await exited;
    process.off('exit', killOnExit);
  }
}
