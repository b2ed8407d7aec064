import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  caPem: string;
  caFile: string;
  keyPem: string;
  certPem: string;
}

function run(command: string, dir: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the HTTPS test fixture needs the openssl CLI on PATH (Debian: apt-get install openssl)');
    }
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

/**
 * A throwaway CA and a server certificate it signed, written into `dir`. Generated per run so no
 * key is ever committed, and so a test can never trust a CA that outlives it.
 */
export function createTestCertificates(dir: string, dnsNames: readonly string[], command = 'openssl'): TestCertificates {
  const openssl = (cwd: string, args: string[]) => run(command, cwd, args);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, [
    'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Admit throwaway test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  const names = ['localhost', ...dnsNames.filter((n) => n !== 'localhost')].map((n) => `DNS:${n}`);
  writeFileSync(
    join(dir, 'server.ext'),
    [
      `subjectAltName=${[...names, 'IP:127.0.0.1', 'IP:::1'].join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  );
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${Date.now().toString(16)}`,
    '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem',
  ]);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { caPem: read('ca.pem'), caFile: join(dir, 'ca.pem'), keyPem: read('server.key'), certPem: read('server.pem') };
}
