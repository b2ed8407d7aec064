import { mkdtempSync, rmSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { createTestCertificates } from './test-certificates';

export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Handles the request itself. It may leave `res` open to play a server that never answers. */
export type FixtureHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The SNI name the client sent, or false when it sent none. */
  servername: string | false;
}

export interface HttpsFixture {
  /** `https://localhost:PORT`. */
  origin: string;
  port: number;
  caPem: string;
  caFile: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests being handled right now, and the most there ever were at once. */
  inFlight(): { now: number; max: number };
  route(path: string, response: FixtureResponse | FixtureHandler): void;
  /**
   * Serves the same routes on one more port, of `address` (`127.0.0.1` or `::1`, which the
   * certificate covers): another host, as a fetcher sees it. Resolves with its origin, the address
   * as an IP literal (`https://[::1]:PORT`).
   */
  listen(address: '127.0.0.1' | '::1'): Promise<string>;
  close(): Promise<void>;
}

export interface HttpsFixtureOptions {
  /** DNS names the certificate covers besides `localhost`, `127.0.0.1` and `::1`. */
  dnsNames?: string[];
}

function send(res: ServerResponse, { status = 200, headers = {}, body }: FixtureResponse): void {
  const payload = body === undefined ? '' : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(payload);
}

/**
 * A real HTTPS server on 127.0.0.1 (port 0) with a certificate from a CA generated for this run.
 * Routes match the request path (query included first, then without). Unknown paths answer 404.
 */
export async function startHttpsFixture(options: HttpsFixtureOptions = {}): Promise<HttpsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'admit-https-fixture-'));
  const certs = createTestCertificates(dir, options.dnsNames ?? []);
  const routes = new Map<string, FixtureResponse | FixtureHandler>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let now = 0;
  let max = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? '', path, headers: req.headers, servername: (req.socket as TLSSocket).servername ?? false });
    now += 1;
    max = Math.max(max, now);
    res.on('close', () => (now -= 1));
    const route = routes.get(path) ?? routes.get(path.split('?')[0]) ?? { status: 404, body: { error: 'not_found' } };
    if (typeof route === 'function') route(req, res);
    else send(res, route);
  };
  const servers: Server[] = [];
  const serve = async (address: string): Promise<number> => {
    const server = createServer({ key: certs.keyPem, cert: certs.certPem }, handle);
    servers.push(server);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };
  const port = await serve('127.0.0.1');

  return {
    origin: `https://localhost:${port}`,
    port,
    caPem: certs.caPem,
    caFile: certs.caFile,
    requests,
    inFlight: () => ({ now, max }),
    route: (path, response) => void routes.set(path, response),
    listen: async (address) => `https://${address.includes(':') ? `[${address}]` : address}:${await serve(address)}`,
    close: async () => {
      // Handlers that never answer keep their sockets open; close() must not wait for them.
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
