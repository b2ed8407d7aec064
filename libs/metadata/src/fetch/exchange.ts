import { IncomingHttpHeaders, request } from 'node:http';
import { TLSSocket } from 'node:tls';
import { FetchError, FetchErrorCode } from './fetcher';
import { FetchTarget } from './fetch-target';

export interface Exchanged {
  headers: Record<string, string>;
  body: Buffer;
}

/** Response headers, lower-cased, repeated ones joined. Cookies are dropped: Admit keeps none. */
function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'set-cookie') continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * One GET over an already verified socket. HTTP/1.1 runs over the pinned socket through
 * `createConnection`, so Node's agent never opens (or pools) a connection of its own.
 * Errors carry the status at most, never the body: the body is the remote party's words.
 */
export function exchange(socket: TLSSocket, target: FetchTarget, maxBytes: number, signal: AbortSignal): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, result?: Exchanged) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      socket.destroy();
      if (err) reject(err);
      else resolve(result as Exchanged);
    };
    const fail = (code: FetchErrorCode, message: string, status?: number) => finish(new FetchError(code, message, status));
    const onAbort = () => finish(signal.reason as Error);

    const req = request({
      createConnection: () => socket,
      method: 'GET',
      path: target.path,
      setHost: false,
      // No cookie, no authorization: the fetch carries nothing the target could replay.
      headers: { host: target.host, accept: 'application/json', 'user-agent': 'admit-metadata-fetcher' },
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(FetchErrorCode.Connect, `connection to ${target.host} failed (${err.code ?? err.message})`),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return fail(FetchErrorCode.Redirect, `${target.host} answered ${status}; redirects are never followed`, status);
      if (status !== 200) return fail(FetchErrorCode.Status, `${target.host} answered ${status}; only 200 counts`, status);
      const tooLarge = () => fail(FetchErrorCode.TooLarge, `response from ${target.host} exceeds ${maxBytes} bytes`);
      if (Number(res.headers['content-length']) > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return tooLarge();
        chunks.push(chunk);
      });
      res.on('end', () => finish(null, { headers: flatten(res.headers), body: Buffer.concat(chunks, size) }));
      res.on('close', () => {
        if (!res.complete) fail(FetchErrorCode.Connect, `connection to ${target.host} closed before the response was complete`);
      });
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();
    req.end();
  });
}
