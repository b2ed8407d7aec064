import { ROOT } from '@admit/launcher';
import { join } from 'node:path';
import { withServerProcess } from '../server-process';

const SERVER = join(ROOT, 'tools', 'bench', 'reference', 'server.ts');

/** Runs `measure` against the bare Fastify reference (reference/server.ts) in a process of its own (`pid`), then stops it. */
export function withReference<T>(measure: (url: string, pid: number) => Promise<T>): Promise<T> {
  return withServerProcess(SERVER, 'reference', (url, _memory, pid) => measure(url, pid));
}
