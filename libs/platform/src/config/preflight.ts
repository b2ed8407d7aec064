import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { ConfigError } from './load-config';
import { EXPECTED } from './known-variables';

/** Variables naming a file Admit reads at start, and the one folder it reads. */
const READ_FILES = ['ADMIT_SIGNING_KEY_FILE', 'ADMIT_CHECKPOINT_KEY_FILE', 'ADMIT_TRUST_ANCHORS_FILE', 'ADMIT_ADMIN_TOKENS_FILE', 'ADMIT_FETCH_CA_FILE', 'ADMIT_GATEWAY_ACTIONS_FILE', 'ADMIT_CONSOLE_SESSION_KEY_FILE'];
const READ_DIRS = ['ADMIT_POLICY_DIR'];

/**
 * Checks, before anything starts, what a loaded config names outside the process: the files and folder
 * it reads exist and are readable, and the HTTP port is free. Each problem is one line naming the
 * variable, its value and what is expected (a ConfigError), so a mistake costs no start-up time and
 * leaves nothing half started.
 */
export async function preflight(config: Record<string, unknown>): Promise<void> {
  const problems: string[] = [];
  const expected = (name: string) => (EXPECTED[name] ? `; expected ${EXPECTED[name]}` : '');
  for (const name of [...READ_FILES, ...READ_DIRS]) {
    const value = config[name];
    if (typeof value !== 'string') continue;
    const dir = READ_DIRS.includes(name);
    try {
      const info = await stat(value);
      if (dir !== info.isDirectory()) throw Object.assign(new Error(), { code: dir ? 'ENOTDIR' : 'EISDIR' });
      await access(value, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const what = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
      problems.push(`${name}=${value}: ${what} (${code})${expected(name)}`);
    }
  }
  const port = config.ADMIT_HTTP_PORT;
  const host = config.ADMIT_HTTP_HOST;
  if (typeof port === 'number' && port !== 0 && typeof host === 'string') {
    const code = await listenProblem(host, port);
    if (code === 'EADDRINUSE') problems.push(`ADMIT_HTTP_PORT=${port}: ${host}:${port} is already in use (EADDRINUSE)${expected('ADMIT_HTTP_PORT')}`);
    else if (code === 'EACCES') problems.push(`ADMIT_HTTP_PORT=${port}: ${host}:${port} may not be opened by this user (EACCES)${expected('ADMIT_HTTP_PORT')}`);
    else if (code) problems.push(`ADMIT_HTTP_HOST=${host}: cannot listen on ${host}:${port} (${code}); expected an address of this machine`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The error code listening on host:port gives right now, or undefined when it is free. */
function listenProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
