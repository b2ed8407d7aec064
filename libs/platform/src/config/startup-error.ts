import { EXPECTED } from './known-variables';
import { ConfigError } from './load-config';

const POLICY_DIR_DEFAULT = 'policies';

/**
 * A start-up failure as the lines an operator reads: each names the variable, its value and what is
 * expected, with no stack trace. Failures no setting explains are one line with the error's message.
 */
export function startupErrorLines(error: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const expected = (name: string) => (EXPECTED[name] ? `; expected ${EXPECTED[name]}` : '');
  // Key, anchor and token file errors start with `VARIABLE (value): problem`.
  const withValue = (line: string) => {
    const named = /^(ADMIT_[A-Z0-9_]+) \((.*?)\): (.*)$/s.exec(line);
    return named ? `${named[1]}=${named[2]}: ${named[3]}${expected(named[1])}` : line;
  };
  if (error instanceof ConfigError) return error.problems.map(withValue);
  const e = (error ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.syscall === 'listen' && (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL')) {
    const port = env.ADMIT_HTTP_PORT ?? String(e.port ?? '');
    const what = { EADDRINUSE: 'is already in use', EACCES: 'may not be opened by this user', EADDRNOTAVAIL: 'is not an address of this machine' }[e.code];
    const culprit = e.code === 'EADDRNOTAVAIL' ? `ADMIT_HTTP_HOST=${env.ADMIT_HTTP_HOST ?? e.address}` : `ADMIT_HTTP_PORT=${port}`;
    return [`${culprit}: ${e.address ?? ''}:${e.port ?? port} ${what} (${e.code})${e.code === 'EADDRNOTAVAIL' ? '; expected an address of this machine' : expected('ADMIT_HTTP_PORT')}`];
  }
  // A file or folder a variable names that cannot be read or written.
  if (typeof e.path === 'string' && typeof e.code === 'string') {
    const variable = variableNaming(e.path, env);
    const action = e.syscall === 'scandir' || e.syscall === 'open' || e.syscall === 'stat' ? 'cannot be read' : `cannot ${e.syscall ?? 'be used'}`;
    if (variable) return [`${variable}=${env[variable]}: ${e.path === env[variable] ? '' : `${e.path} `}${action} (${e.code})${expected(variable)}`];
    return [`${e.path}: ${action} (${e.code})`];
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (error instanceof Error && error.name === 'PolicyLoadError') {
    const dir = env.ADMIT_POLICY_DIR ?? POLICY_DIR_DEFAULT;
    return [`ADMIT_POLICY_DIR=${dir}: ${message}${expected('ADMIT_POLICY_DIR')}`];
  }
  return [withValue(message)];
}

/** The ADMIT_* variable whose value is `path` or a folder holding it (the longest such value). */
function variableNaming(path: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = Object.entries(env).filter(
    ([name, value]) => name.startsWith('ADMIT_') && value && (path === value || path.startsWith(`${value.replace(/\/+$/, '')}/`)),
  );
  candidates.sort((a, b) => (b[1] as string).length - (a[1] as string).length);
  return candidates[0]?.[0];
}
