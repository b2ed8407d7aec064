import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { devCheckpointKeyFile, devConsoleSessionKeyFile, devSigningKeyFile } from './dev-signing-key';

export const ROOT = join(__dirname, '..', '..');
export const SERVICE_APPS = ['intake', 'validator', 'policy', 'revocation', 'audit'] as const;
export type AppName = (typeof SERVICE_APPS)[number] | 'embedded';

export interface RunningApp {
  name: AppName;
  url: string;
  child: ChildProcess;
  /** The last lines the process printed, for diagnostics. */
  output(): string;
  /** SIGTERM, then SIGKILL after the deadline; resolves with the exit code. */
  stop(deadlineMs?: number): Promise<number | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Called with every line the app prints (the stack script prefixes and echoes them). */
  onLine?: (line: string) => void;
}

const MAX_LINES = 300;

/** Starts `node dist/apps/<name>/main.js` and resolves once it answers `GET /health/ready` with 200. */
export async function startApp(name: AppName, options: StartOptions = {}): Promise<RunningApp> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let url: string | undefined;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      if (lines.length > MAX_LINES) lines.shift();
      url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1];
      options.onLine?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // Never leave an app behind when whoever started it exits.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  let done = false;
  void exited.then(() => (done = true));

  const app: RunningApp = {
    name,
    child,
    get url() {
      return url ?? '';
    },
    output: () => lines.join('\n'),
    stop: async (deadlineMs = 15_000) => {
      if (done) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (done) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${app.output()}`);
    if (url && (await isReady(url))) return app;
    await delay(100);
  }
  await app.stop();
  throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${app.output()}`);
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

export interface Stack {
  intakeUrl: string;
  apps: RunningApp[];
  /** Stops every app; resolves with each one's exit code, by name. */
  stop(): Promise<Record<string, number | null>>;
}

export type ServiceApp = (typeof SERVICE_APPS)[number];

export interface DistributedOptions extends StartOptions {
  apps?: readonly ServiceApp[];
  /** How many copies of an app to run (default 1); copies after the first listen on a free port. */
  scale?: Partial<Record<ServiceApp, number>>;
}

/** The five services as separate processes over Kafka, started together. */
export async function startDistributed(options: DistributedOptions = {}): Promise<Stack> {
  if (!options.env?.ADMIT_SIGNING_KEY_FILE && !process.env.ADMIT_SIGNING_KEY_FILE) {
    options = { ...options, env: { ...options.env, ADMIT_SIGNING_KEY_FILE: await devSigningKeyFile() } };
  }
  if (!options.env?.ADMIT_CHECKPOINT_KEY_FILE && !process.env.ADMIT_CHECKPOINT_KEY_FILE) {
    options = { ...options, env: { ...options.env, ADMIT_CHECKPOINT_KEY_FILE: await devCheckpointKeyFile() } };
  }
  if (!options.env?.ADMIT_CONSOLE_SESSION_KEY_FILE && !process.env.ADMIT_CONSOLE_SESSION_KEY_FILE) {
    options = { ...options, env: { ...options.env, ADMIT_CONSOLE_SESSION_KEY_FILE: devConsoleSessionKeyFile() } };
  }
  const copies = (options.apps ?? SERVICE_APPS).flatMap((name) => Array.from({ length: options.scale?.[name] ?? 1 }, (_, i) => ({ name, i })));
  const started = await Promise.allSettled(
    copies.map(({ name, i }) => startApp(name, i === 0 ? options : { ...options, env: { ...options.env, ADMIT_HTTP_PORT: '0' } })),
  );
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  // Exit codes by app name; copies after the first as `<name>#2`, `<name>#3`, …
  const stop = async () => {
    const codes = await Promise.all(apps.map((app) => app.stop()));
    const seen = new Map<string, number>();
    return Object.fromEntries(
      apps.map((app, i) => {
        const n = (seen.get(app.name) ?? 0) + 1;
        seen.set(app.name, n);
        return [n === 1 ? app.name : `${app.name}#${n}`, codes[i]];
      }),
    );
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { intakeUrl: apps.find((a) => a.name === 'intake')?.url ?? '', apps, stop };
}

/** All five services in one process, as `npm start` runs them. */
export async function startEmbedded(options: StartOptions = {}): Promise<Stack> {
  const app = await startApp('embedded', options);
  return { intakeUrl: app.url, apps: [app], stop: async () => ({ embedded: await app.stop() }) };
}
