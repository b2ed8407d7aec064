import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './poll';

/** Debian's nginx (`apt-get install nginx-light`, which .ci/run does when it is missing); /usr/sbin may be off PATH. */
const NGINX = process.env.NGINX_BIN ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

/** nginx started as a user would, from a prefix and configuration of its own, in the foreground. */
export interface TestNginx {
  url: string;
  config: string;
  stop(): Promise<void>;
}

/** A loopback port free now (nginx takes a port number, not port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The gateway configuration of docs/integrating.md: every request to `upstream` is first asked of
 * Admit's `/gateway/decide` with `auth_request`; an allow passes Admit's headers upstream, in place
 * of any the client sent, and the client's proofs stay at the gateway. nginx answers any other status
 * of Admit's than 2xx, 401 and 403 with 500; `statuses` adds the lines that show 429 as 429 (with
 * Retry-After) and anything else as 503.
 */
export function gatewayServerBlock(options: { listen: string; admit: string; upstream: string; statuses?: boolean }): string {
  const statuses = `
      auth_request_set $admit_status $upstream_status;
      auth_request_set $admit_retry_after $upstream_http_retry_after;
      error_page 500 = @admit_unavailable;`;
  const unavailable = `

    location @admit_unavailable {
      add_header Retry-After $admit_retry_after always;
      if ($admit_status = 429) { return 429; }
      return 503;
    }`;
  return `
  server {
    listen ${options.listen};

    location / {
      auth_request /_admit;
      auth_request_set $admit_decision $upstream_http_admit_decision_id;
      auth_request_set $admit_client $upstream_http_admit_client_id;
      auth_request_set $admit_expires $upstream_http_admit_admission_expires_at;
      # The decision id reaches the client on every answer, allows and refusals alike.
      add_header Admit-Decision-Id $admit_decision always;${options.statuses ? statuses : ''}

      proxy_set_header Admit-Decision-Id $admit_decision;
      proxy_set_header Admit-Client-Id $admit_client;
      proxy_set_header Admit-Admission-Expires-At $admit_expires;
      proxy_set_header X-Client-Assertion "";
      proxy_set_header X-Admission-Token "";
      proxy_pass ${options.upstream};
    }

    location = /_admit {
      internal;
      proxy_pass ${options.admit}/gateway/decide;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Content-Type "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
    }${options.statuses ? unavailable : ''}
  }`;
}

/** Starts nginx on `server` blocks; fails (never skips) when it cannot start or does not answer. */
export async function startNginx(servers: string, port: number): Promise<TestNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'admit-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(prefix, 'temp', kind)};`).join('\n');
  const config = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'logs', 'error.log')} notice;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    temp,
    servers,
    '}',
    '',
  ].join('\n');
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config);
  // Started as root (CI), nginx runs its workers as its packaged unprivileged user: they need to reach the prefix.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'temp'));
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-e', join(prefix, 'logs', 'error.log'), '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      stderr += String(err);
      resolve(-1);
    });
  });
  let gone = false;
  const early = exited.then((code) => {
    gone = true;
    throw new Error(`nginx exited with ${code}`);
  });
  early.catch(() => undefined);
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!gone) child.kill('SIGTERM');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await Promise.race([early, eventually('nginx to answer', async () => (await fetch(`${url}/`, { method: 'HEAD' })) && true, 10_000)]);
  } catch (err) {
    const why = `nginx (${NGINX}) could not be started: ${String(err)}\n${stderr}\n${errorLog()}`;
    await stop();
    throw new Error(why);
  }
  return { url, config, stop };
}
