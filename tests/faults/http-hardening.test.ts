// Hostile HTTP against a running Admit (embedded mode: the same Fastify adapter every app uses):
// slowloris connections, oversized headers, JSON bombs. Real: the built app, its HTTP server and
// timeouts, PGlite. Nothing stubbed. Every connection goes to 127.0.0.1.
import { selfAssertedPolicyDir, Stack, startEmbedded } from '@admit/launcher';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDataDir } from '../support/embedded-store';

/** Server timeouts (libs/platform http-server.ts: requestTimeout 15 s) plus Node's 30 s check interval, plus margin. */
const CLOSE_DEADLINE_MS = 75_000;

interface Opened {
  socket: Socket;
  /** Everything the server wrote, once it closed the connection. */
  closed: Promise<string>;
}

function open(url: string, firstBytes: string): Opened {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.write(firstBytes);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1'))));
  socket.on('error', () => undefined);
  return { socket, closed };
}

/** Resolves with the promise's value, or fails naming `what` once the deadline passes. */
function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe('HTTP under hostile clients (embedded)', () => {
  let stack: Stack;
  const dataDir = embeddedDataDir(mkdtempSync(join(tmpdir(), 'admit-faults-http-')));
  const policies = selfAssertedPolicyDir();

  beforeAll(async () => {
    stack = await startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0', ADMIT_POLICY_DIR: policies.dir } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    policies.remove();
  });

  const post = (body: string | Buffer) => fetch(`${stack.intakeUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error: string }).error });
  const healthy = async () => (await fetch(`${stack.intakeUrl}/health/live`)).status;

  it('slowloris: connections that never finish their headers or body are closed by the server, and others are served meanwhile', async () => {
    const url = stack.intakeUrl;
    const slowHeaders = Array.from({ length: 40 }, () => open(url, 'POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a'));
    const slowBodies = Array.from({ length: 10 }, () =>
      open(url, 'POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"client_name":'),
    );
    // Fifty held connections do not keep anyone else out.
    expect(await healthy()).toBe(200);
    const ok = await post(JSON.stringify({ redirect_uris: ['https://slow.example/cb'], client_name: 'served during slowloris' }));
    expect(ok.status).toBe(201);
    const written = await within('the server closing every slow connection', Promise.all([...slowHeaders, ...slowBodies].map((c) => c.closed)), CLOSE_DEADLINE_MS);
    // Closed by the server: nothing but (at most) a 408 was ever answered, and never a 2xx.
    for (const text of written) expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
    expect(await healthy()).toBe(200);
  }, 120_000);

  it('oversized headers: 431, and the server keeps serving', async () => {
    const { closed } = open(stack.intakeUrl, `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(await within('an answer to oversized headers', closed, 10_000)).toMatch(/^HTTP\/1\.1 431 /);
    const many = open(stack.intakeUrl, `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
    expect(await within('an answer to too many headers', many.closed, 10_000)).toMatch(/^HTTP\/1\.1 431 /);
    expect(await healthy()).toBe(200);
  });

  it('JSON bombs: deep nesting is refused with the RFC 7591 code, bodies over 64 KiB get 413, huge arrays are handled, none takes the server down', async () => {
    const deep = (depth: number) => `{"redirect_uris":["https://bomb.example/cb"],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(await answer(await post(deep(33)))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(await answer(await post(deep(30_000)))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(await answer(await post(deep(100_000)))).toEqual({ status: 413, error: 'ERR_PAYLOAD_TOO_LARGE' });
    expect(await answer(await post(`{"a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    const wide = `{"redirect_uris":["https://bomb.example/cb"],"client_name":"wide","x":[${Array.from({ length: 30_000 }, () => '0').join(',')}]}`;
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(64 * 1024);
    expect((await post(wide)).status).toBe(201);
    // Duplicate keys and __proto__ keep their own meaning: the last value wins, the prototype is untouched.
    const proto = await post('{"redirect_uris":["https://bomb.example/cb"],"client_name":"a","client_name":"proto","__proto__":{"client_secret":"s"}}');
    expect(proto.status).toBe(201);
    expect(await healthy()).toBe(200);
  });
});
