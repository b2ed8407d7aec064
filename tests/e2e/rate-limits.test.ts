// Rate limits of intake's public routes, over HTTP against embedded Admit as a user starts it. Real:
// the built app, PGlite, the default policies, requests from two loopback source addresses. Nothing
// stubbed. Nothing is fetched: the only metadata document named is on 127.0.0.1, which the SSRF
// guard refuses without connecting. Windows are an hour long, so a test's requests share one window
// or, at worst, straddle two: each sends up to twice the limit plus one before it expects a 429.
import { Stack, startEmbedded } from '@admit/launcher';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDataDir } from '../support/embedded-store';

const WINDOW_S = 3_600;

interface Answer {
  status: number;
  retryAfter?: string;
  body: { error?: string; error_description?: string };
}

/** POSTs JSON from `source` (a loopback address): node:http, since fetch cannot pick its source address. */
function post(base: string, path: string, body: unknown, source = '127.0.0.1'): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: source, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The requests of each route, for a client `n`: different n, different client (a CIMD client by its host). */
const ROUTES: [path: string, body: (n: number, i: number) => unknown][] = [
  ['/register', (n) => ({ redirect_uris: ['https://app.example/cb'], client_name: `client ${n}` })],
  ['/admissions', (n, i) => ({ client_id: `https://127.0.0.${n + 1}/c/${i}.json` })],
  ['/access-checks', (n) => ({ client_id: `s_client_${n}`, action: 'read' })],
];

describe('rate limits (embedded)', () => {
  let dataDir: string;
  const stacks: Stack[] = [];
  const start = async (limits: Record<string, string>): Promise<string> => {
    const stack = await startEmbedded({ env: { ADMIT_DATA_DIR: embeddedDataDir(join(dataDir, String(stacks.length))), ADMIT_HTTP_PORT: '0', ADMIT_RATE_LIMIT_WINDOW_S: String(WINDOW_S), ...limits } });
    stacks.push(stack);
    return stack.intakeUrl;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'admit-limits-'));
  });
  afterAll(async () => {
    const codes = await Promise.all(stacks.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    expect(codes.flatMap((c) => Object.values(c))).toEqual(codes.map(() => 0));
  });

  /** Sends `request(i)` until one is answered 429; at most twice the limit plus one. */
  const until429 = async (limit: number, send: (i: number) => Promise<Answer>): Promise<Answer> => {
    for (let i = 0; i < 2 * limit + 1; i++) {
      const answer = await send(i);
      if (answer.status === 429) return answer;
      expect(answer.status).not.toBe(503);
    }
    throw new Error(`no 429 after ${2 * limit + 1} requests`);
  };

  const expectThrottled = (answer: Answer) => {
    expect(answer).toMatchObject({ status: 429, body: { error: 'ERR_TOO_MANY_REQUESTS' } });
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(WINDOW_S);
    expect(answer.retryAfter).toMatch(/^[0-9]+$/);
  };

  it('per client: a client past its limit gets 429 with Retry-After on every route, and another client is not throttled', async () => {
    const base = await start({ ADMIT_RATE_LIMIT_PER_CLIENT: '2', ADMIT_RATE_LIMIT_GLOBAL: '1000' });
    for (const [path, body] of ROUTES) {
      expectThrottled(await until429(2, (i) => post(base, path, body(0, i))));
      expect((await post(base, path, body(1, 0))).status).not.toBe(429);
    }
  });

  it('the global ceiling: past it, every client of the route is refused', async () => {
    const base = await start({ ADMIT_RATE_LIMIT_PER_CLIENT: '1000', ADMIT_RATE_LIMIT_GLOBAL: '3' });
    const [path, body] = ROUTES[2];
    const refused = await until429(3, (i) => post(base, path, body(i, 0)));
    expectThrottled(refused);
    expect(refused.body.error_description).toContain('Admit took 3 requests');
    expect((await post(base, path, body(100, 0))).status).toBe(429);
  });

  it('the source-address layer, when turned on, throttles one address across clients and not another address', async () => {
    const base = await start({ ADMIT_RATE_LIMIT_PER_CLIENT: '1000', ADMIT_RATE_LIMIT_GLOBAL: '1000', ADMIT_RATE_LIMIT_PER_SOURCE: '2' });
    const [path, body] = ROUTES[2];
    const refused = await until429(2, (i) => post(base, path, body(i, 0), '127.0.0.1'));
    expectThrottled(refused);
    expect(refused.body.error_description).toContain('this address made 2 requests');
    expect((await post(base, path, body(200, 0), '127.0.0.2')).status).toBe(200);
  });

  it('source addresses are not counted by default', async () => {
    const base = await start({ ADMIT_RATE_LIMIT_PER_CLIENT: '1000', ADMIT_RATE_LIMIT_GLOBAL: '1000' });
    const [path, body] = ROUTES[2];
    for (let i = 0; i < 10; i++) expect((await post(base, path, body(i, 0))).status).toBe(200);
  });
});
