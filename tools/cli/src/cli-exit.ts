import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** A failure the CLI reports as one line and an exit code: 2 for usage, 1 for anything else. */
export class CliExit extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** Where a command writes, and the exit code it ends with (0 unless it sets another). */
export interface CliContext {
  out: Writable;
  err: Writable & { isTTY?: boolean };
  exitCode: number;
}

/**
 * Options were spelled with underscores (`--client_id`) before they were kebab-case: the old spelling
 * of any long option is still accepted, with or without `=value`. Arguments after `--` are left alone.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if (end !== -1 && i >= end) return arg;
    const match = /^--([a-z0-9]+(?:[_-][a-z0-9]+)*)(=.*)?$/s.exec(arg);
    return match ? `--${match[1].replace(/_/g, '-')}${match[2] ?? ''}` : arg;
  });
}

/**
 * `--out <file>`: opened before any work starts, so an existing file is refused at once (unless
 * `force`) instead of after a long query. Private files (keys) are created with `mode`.
 */
export async function openOutput(file: string, force: boolean | undefined, mode = 0o644): Promise<Writable> {
  try {
    const handle = await open(file, force ? 'w' : 'wx', mode);
    if (mode !== 0o644) await handle.chmod(mode); // open()'s mode is narrowed by the umask, and ignored for an existing file.
    return handle.createWriteStream();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliExit(`--out ${file}: the file exists; add --force to overwrite it`);
    throw new CliExit(`--out ${file}: cannot be written: ${code ?? (error as Error).message}`);
  }
}

/** A progress line on the terminal (stderr, rewritten in place); nothing when stderr is not a TTY. */
export function progress(err: CliContext['err'], text: string): void {
  if (err.isTTY) err.write(`\r\x1b[2K${text}`);
}

/** Ends a progress line, so what follows starts on a clean line. */
export function progressDone(err: CliContext['err'], text?: string): void {
  if (err.isTTY) err.write(`\r\x1b[2K${text ? `${text}\n` : ''}`);
}

/** `camelCase` option names (commander's) as the snake_case names the audit API and queries use. */
export function snakeCase(options: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) if (typeof value === 'string') out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  return out;
}
