import { ConnectionOptions, TLSSocket } from 'node:tls';
import { FetchError, FetchErrorCode } from './fetcher';
import { FetchTarget } from './fetch-target';

/** Opens a TLS connection; `tls.connect` in production, a spy in tests. */
export type TlsConnect = (options: ConnectionOptions) => TLSSocket;

export interface PinnedTlsOptions {
  connect: TlsConnect;
  /** Trusted roots: Node's bundle, plus the extra CA when one is configured. */
  ca: Array<string | Buffer>;
  connectTimeoutMs: number;
  signal: AbortSignal;
  /** Waits for a slot to connect to `address` (the per-address and total caps); resolves with its release. */
  claim: (address: string, signal: AbortSignal) => Promise<() => void>;
}

/** A connection, and the release of the slot it holds until the exchange over it ends. */
export interface PinnedConnection {
  socket: TLSSocket;
  release: () => void;
}

/**
 * A verified TLS connection to one of the checked addresses, tried in order, each once a slot for
 * it is free. `host` is the IP literal itself, so net.connect performs no DNS lookup: this is the
 * pin that defeats rebinding. SNI and certificate identity use the URL's hostname, as a browser would.
 */
export async function connectPinned(target: FetchTarget, addresses: string[], options: PinnedTlsOptions): Promise<PinnedConnection> {
  let lastError: unknown;
  for (const address of addresses) {
    options.signal.throwIfAborted();
    const release = await options.claim(address, options.signal);
    try {
      return { socket: await connectOne(target, address, options), release };
    } catch (err) {
      release();
      if (options.signal.aborted) throw options.signal.reason;
      lastError = err;
    }
  }
  throw lastError;
}

function connectOne(target: FetchTarget, address: string, { connect, ca, connectTimeoutMs, signal }: PinnedTlsOptions): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    let socket: TLSSocket | undefined;
    const where = `${target.hostname}:${target.port}`;
    const fail = (err: Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket?.destroy();
      reject(err);
    };
    const onAbort = () => fail(signal.reason as Error);
    const timer = setTimeout(
      () => fail(new FetchError(FetchErrorCode.Timeout, `connecting to ${where} took longer than ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      socket = connect({
        host: address,
        port: target.port,
        // RFC 6066 forbids an IP address as SNI; without it, Node checks the certificate against `host`.
        ...(target.ipLiteral ? {} : { servername: target.hostname }),
        ca,
        rejectUnauthorized: true,
        ALPNProtocols: ['http/1.1'],
      });
    } catch (err) {
      return fail(new FetchError(FetchErrorCode.Connect, `could not connect to ${where} (${(err as Error).message})`));
    }
    socket.on('error', (err: NodeJS.ErrnoException) => fail(new FetchError(FetchErrorCode.Connect, `could not connect to ${where} (${err.code ?? err.message})`)));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(socket as TLSSocket);
    });
  });
}
