import { ROOT } from '@admit/launcher';
import { join } from 'node:path';
import { MemoryReading } from '../memory';
import { withServerProcess } from '../server-process';

export interface Peer {
  /** The issuer; open registration is at `${url}/reg`. */
  url: string;
  version: string;
  memory(): Promise<MemoryReading>;
}

const PEER = join(ROOT, 'tools', 'bench', 'peer', 'server.ts');

/** Runs `measure` against a fresh oidc-provider (peer/server.ts) in a process of its own, then stops it. */
export function withPeer<T>(measure: (peer: Peer) => Promise<T>): Promise<T> {
  const version = (require(join(ROOT, 'node_modules', 'oidc-provider', 'package.json')) as { version: string }).version;
  return withServerProcess(PEER, 'peer', (url, memory) => measure({ url, version, memory }));
}
