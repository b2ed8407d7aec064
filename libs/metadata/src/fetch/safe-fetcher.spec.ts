// Real: SafeFetcher, TLS and HTTP against a loopback HTTPS fixture with a CA generated for this run.
// Stubbed: only the resolver in most cases (localhost -> 127.0.0.1), and tls.connect is wrapped by a
// spy that records every connection and refuses any host outside 127.0.0.0/8.
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { ConnectionOptions, rootCertificates, connect as tlsConnect, TLSSocket } from 'node:tls';
import { HttpsFixture, startHttpsFixture, waitFor } from '../testing';
import { ResolvedAddress } from './checked-addresses';
import { FetchErrorCode } from './fetcher';
import { SafeFetcher, SafeFetcherOptions } from './safe-fetcher';

let fixture: HttpsFixture;
const connect = jest.fn<TLSSocket, [ConnectionOptions]>((options) => {
  if (!/^127\./.test(options.host ?? '')) throw new Error(`test tried to connect to ${options.host}`);
  return tlsConnect(options);
});
const localhost = jest.fn(async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }]);
const cap = { maxBytes: 5120 };
const cannotConnect = (target: string, reason: string) => ({ code: FetchErrorCode.Connect, message: `could not connect to ${target} (${reason})` });
const document = { client_id: 'https://localhost/client.json', client_name: 'Fixture' };

function fetcher(options: SafeFetcherOptions = {}): SafeFetcher {
  return new SafeFetcher({ connect, resolver: localhost, ca: fixture.caPem, allowLoopback: [`localhost:${fixture.port}`], ...options });
}

beforeAll(async () => {
  fixture = await startHttpsFixture({ dnsNames: ['client.test', '*.client.test'] });
  fixture.route('/client.json', { body: document, headers: { 'cache-control': 'max-age=600', 'set-cookie': 'track=1' } });
  fixture.route('/moved', { status: 302, headers: { location: '/client.json' } });
  fixture.route('/server-error', { status: 500, body: 'SECRET-BODY-TEXT' });
  fixture.route('/exactly-5k', { body: 'x'.repeat(5120) });
  fixture.route('/six-kb', { body: 'x'.repeat(6144) });
  fixture.route('/six-kb-chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('x'.repeat(3072));
    res.end('x'.repeat(3072));
  });
  fixture.route('/never-answers', () => undefined);
  fixture.route('/sni-and-host', (req, res) => {
    const servername = (req.socket as TLSSocket).servername;
    const ok = servername === 'localhost' && req.headers.host === `localhost:${fixture.port}`;
    res.writeHead(ok ? 200 : 421).end(JSON.stringify({ servername, host: req.headers.host }));
  });
});
afterAll(() => fixture.close());
afterEach(() => {
  connect.mockClear();
  localhost.mockClear();
});

describe('SafeFetcher over real TLS', () => {
  it('fetches a document from the checked address, with SNI, Host and accept set, and no credentials', async () => {
    const fetchedAt = new Date('2026-01-02T03:04:05.000Z');
    const response = await fetcher({ clock: () => fetchedAt }).fetch(`${fixture.origin}/client.json?v=1#fragment`, cap);

    expect(response).toMatchObject({ url: `${fixture.origin}/client.json?v=1#fragment`, status: 200, fetchedAt });
    expect(JSON.parse(response.body.toString('utf8'))).toEqual(document);
    expect(response.headers['cache-control']).toBe('max-age=600');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(connect.mock.calls[0][0]).toMatchObject({ host: '127.0.0.1', port: fixture.port, servername: 'localhost', rejectUnauthorized: true });
    // The extra CA is added to Node's roots, never in their place.
    expect(connect.mock.calls[0][0].ca).toEqual([...rootCertificates, fixture.caPem]);
    const seen = fixture.requests.at(-1);
    expect(seen).toMatchObject({ method: 'GET', path: '/client.json?v=1', servername: 'localhost' });
    expect(seen?.headers).toMatchObject({ host: `localhost:${fixture.port}`, accept: 'application/json' });
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it('sends SNI and Host the server expects (the server checks them)', async () => {
    const response = await fetcher().fetch(`${fixture.origin}/sni-and-host`, cap);
    expect(JSON.parse(response.body.toString())).toEqual({ servername: 'localhost', host: `localhost:${fixture.port}` });
  });

  it('connects to an allow-listed IP literal without SNI and checks the certificate against the IP', async () => {
    const response = await fetcher({ allowLoopback: [`127.0.0.1:${fixture.port}`] }).fetch(`https://127.0.0.1:${fixture.port}/client.json`, cap);
    expect(response.status).toBe(200);
    expect(localhost).not.toHaveBeenCalled();
    expect(connect.mock.calls[0][0].servername).toBeUndefined();
    expect(fixture.requests.at(-1)).toMatchObject({ servername: false, headers: expect.objectContaining({ host: `127.0.0.1:${fixture.port}` }) });
  });

  it('never follows a redirect: 302 is ERR_FETCH_REDIRECT with the status', async () => {
    const before = fixture.requests.length;
    await expect(fetcher().fetch(`${fixture.origin}/moved`, cap)).rejects.toMatchObject({
      code: FetchErrorCode.Redirect,
      status: 302,
      message: `localhost:${fixture.port} answered 302; redirects are never followed`,
    });
    expect(fixture.requests.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('counts only 200: 404 is ERR_FETCH_STATUS with the status', async () => {
    await expect(fetcher().fetch(`${fixture.origin}/missing`, cap)).rejects.toMatchObject({
      code: FetchErrorCode.Status,
      status: 404,
      message: `localhost:${fixture.port} answered 404; only 200 counts`,
    });
  });

  it('never puts the response body into an error', async () => {
    const error = await fetcher().fetch(`${fixture.origin}/server-error`, cap).catch((err: Error) => err);
    expect(error).toMatchObject({ code: FetchErrorCode.Status, status: 500, message: `localhost:${fixture.port} answered 500; only 200 counts` });
    expect(JSON.stringify({ ...error, message: (error as Error).message, stack: (error as Error).stack })).not.toContain('SECRET-BODY');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const response = await fetcher().fetch(`${fixture.origin}/exactly-5k`, cap);
    expect(response.body).toHaveLength(5120);
  });

  it.each(['/six-kb', '/six-kb-chunked'])('stops reading %s past maxBytes: ERR_FETCH_TOO_LARGE', async (path) => {
    await expect(fetcher().fetch(`${fixture.origin}${path}`, cap)).rejects.toMatchObject({
      code: FetchErrorCode.TooLarge,
      message: `response from localhost:${fixture.port} exceeds 5120 bytes`,
    });
  });

  it('gives up on a server that never answers after totalTimeoutMs', async () => {
    await expect(fetcher({ totalTimeoutMs: 300 }).fetch(`${fixture.origin}/never-answers`, cap)).rejects.toMatchObject({
      code: FetchErrorCode.Timeout,
      message: `fetching from localhost:${fixture.port} took longer than 300 ms`,
    });
    expect(fixture.requests.at(-1)?.path).toBe('/never-answers');
  });

  it('gives up on a TLS handshake that never completes after connectTimeoutMs', async () => {
    const accepted: Socket[] = [];
    const silent: Server = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(
        fetcher({ allowLoopback: [`localhost:${port}`], connectTimeoutMs: 150 }).fetch(`https://localhost:${port}/client.json`, cap),
      ).rejects.toMatchObject({ code: FetchErrorCode.Timeout, message: `connecting to localhost:${port} took longer than 150 ms` });
    } finally {
      accepted.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('reports a refused connection as ERR_FETCH_CONNECT', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetcher({ allowLoopback: [`localhost:${port}`] }).fetch(`https://localhost:${port}/x`, cap)).rejects.toMatchObject(cannotConnect(`localhost:${port}`, 'ECONNREFUSED'));
  });

  it('does not trust the fixture CA unless it is configured: ERR_FETCH_CONNECT', async () => {
    await expect(fetcher({ ca: undefined }).fetch(`${fixture.origin}/client.json`, cap)).rejects.toMatchObject(cannotConnect(`localhost:${fixture.port}`, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
  });

  it('checks the certificate against the URL hostname, not the address', async () => {
    const allowLoopback = [`wrong-name.test:${fixture.port}`, `client.test:${fixture.port}`];
    await expect(fetcher({ allowLoopback }).fetch(`https://wrong-name.test:${fixture.port}/client.json`, cap)).rejects.toMatchObject(cannotConnect(`wrong-name.test:${fixture.port}`, 'ERR_TLS_CERT_ALTNAME_INVALID'));
    const named = await fetcher({ allowLoopback }).fetch(`https://client.test:${fixture.port}/client.json`, cap);
    expect(named.status).toBe(200);
    expect(fixture.requests.at(-1)?.servername).toBe('client.test');
  });

  describe('loopback allow-list (ADMIT_FETCH_ALLOW_HOSTS), with the real resolver', () => {
    it('blocks localhost when the allow-list is unset, and never connects', async () => {
      const before = fixture.requests.length;
      await expect(new SafeFetcher({ connect, ca: fixture.caPem }).fetch(`${fixture.origin}/client.json`, cap)).rejects.toMatchObject({
        code: FetchErrorCode.BlockedAddress,
        message: expect.stringMatching(/^localhost resolves to special-use address (127\.0\.0\.1|::1) \(loopback\)$/),
      });
      expect(connect).not.toHaveBeenCalled();
      expect(fixture.requests).toHaveLength(before);
    });

    it('fetches from localhost:PORT once that exact entry is allowed', async () => {
      const allowed = new SafeFetcher({ connect, ca: fixture.caPem, allowLoopback: [`localhost:${fixture.port}`] });
      const response = await allowed.fetch(`${fixture.origin}/client.json`, cap);
      expect(JSON.parse(response.body.toString())).toEqual(document);
    });
  });

  it('resolves once and connects to the address it checked, so a rebinding answer is never used', async () => {
    const answers = ['127.0.0.1', '10.0.0.1'];
    const rebinding = jest.fn(async (): Promise<ResolvedAddress[]> => [{ address: answers.shift() ?? '10.0.0.1', family: 4 }]);
    const response = await fetcher({ resolver: rebinding }).fetch(`${fixture.origin}/client.json`, cap);
    expect(response.status).toBe(200);
    expect(rebinding).toHaveBeenCalledTimes(1);
    expect(connect.mock.calls.map(([options]) => options.host)).toEqual(['127.0.0.1']);
  });

  it('coalesces concurrent fetches of one URL and cap into one request', async () => {
    const held: Array<() => void> = [];
    fixture.route('/coalesced', (_req, res) => held.push(() => res.writeHead(200).end('{"n":1}')));
    const shared = fetcher();
    const url = `${fixture.origin}/coalesced`;
    const before = fixture.requests.length;

    // allSettled: a failed assertion below must not leave rejections unhandled.
    const results = Promise.allSettled([shared.fetch(url, cap), shared.fetch(url, cap), shared.fetch(url, cap), shared.fetch(url, { maxBytes: 100 })]);
    await waitFor(() => held.length === 2, 'both distinct requests to arrive');
    held.splice(0).forEach((release) => release());

    const bodies = (await results).map((r) => (r.status === 'fulfilled' ? r.value.body.toString() : r.reason));
    expect(bodies).toEqual(['{"n":1}', '{"n":1}', '{"n":1}', '{"n":1}']);
    expect(fixture.requests.length - before).toBe(2);

    const again = shared.fetch(url, cap);
    await waitFor(() => held.length === 1, 'a fresh request once the first settled');
    held.splice(0).forEach((release) => release());
    await again;
    expect(fixture.requests.length - before).toBe(3);
  });

  /** Answers `count` held requests as they arrive, checking that no more than two are ever in flight past `baseline`. */
  async function serveAtMostTwoAtOnce(held: Array<() => void>, baseline: number, count: number): Promise<void> {
    let served = 0;
    while (served < count) {
      await waitFor(() => held.length > 0, 'the next queued request');
      expect(fixture.inFlight().now - baseline).toBeLessThanOrEqual(2);
      const batch = held.splice(0);
      served += batch.length;
      batch.forEach((release) => release());
    }
  }

  it('queues past the per-host cap instead of failing', async () => {
    const held: Array<() => void> = [];
    fixture.route('/capped', (req, res) => held.push(() => res.writeHead(200).end(JSON.stringify({ path: req.url }))));
    const capped = fetcher({ limits: { perHost: 2 } });
    const baseline = fixture.inFlight().now;
    // allSettled: a failed assertion below must not leave rejections unhandled.
    const all = Promise.allSettled([1, 2, 3, 4, 5].map((n) => capped.fetch(`${fixture.origin}/capped?n=${n}`, cap)));

    await waitFor(() => held.length === 2, 'the first two requests to arrive');
    // Three more would have connected long before two TLS handshakes completed, were there no cap.
    expect(connect).toHaveBeenCalledTimes(2);
    await serveAtMostTwoAtOnce(held, baseline, 5);
    const paths = (await all).map((r) => (r.status === 'fulfilled' ? JSON.parse(r.value.body.toString()).path : r.reason));
    expect(paths).toEqual([1, 2, 3, 4, 5].map((n) => `/capped?n=${n}`));
    expect(connect).toHaveBeenCalledTimes(5);
  });
  it('caps fetches per resolved address, however many names resolve to it (wildcard DNS)', async () => {
    const held: Array<() => void> = [];
    fixture.route('/wildcard', (req, res) => held.push(() => res.writeHead(200).end(JSON.stringify({ host: req.headers.host }))));
    const names = [1, 2, 3, 4, 5].map((n) => `w${n}.client.test`);
    // Five hosts, each under its own host cap, all resolving to one address.
    const wildcard = fetcher({ limits: { perHost: 4, perAddress: 2 }, allowLoopback: names.map((name) => `${name}:${fixture.port}`) });
    const baseline = fixture.inFlight().now;
    const all = Promise.allSettled(names.map((name) => wildcard.fetch(`https://${name}:${fixture.port}/wildcard`, cap)));

    await waitFor(() => held.length === 2, 'the first two requests to arrive');
    expect(connect).toHaveBeenCalledTimes(2);
    await serveAtMostTwoAtOnce(held, baseline, 5);
    expect((await all).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(connect).toHaveBeenCalledTimes(5);
  });
});
