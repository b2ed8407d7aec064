import { CliExit } from './cli-exit';

export const TOKEN_VAR = 'ADMIT_ADMIN_TOKEN';
export const URL_VAR = 'ADMIT_URL';

export interface AdminApi {
  call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: { query?: Record<string, string | number | undefined>; body?: unknown }): Promise<T>;
}

/**
 * An Admit admin API (revocation or audit app) at `baseUrl` (`--url`, or ADMIT_URL), with the bearer
 * token from ADMIT_ADMIN_TOKEN: never from an argument, which `ps` would show. An error answer (an
 * RFC 9457 problem) becomes one line: the path, the status, the problem's code and detail.
 */
export function adminApi(baseUrl: string | undefined, scope: string, token = process.env[TOKEN_VAR]): AdminApi {
  const url = baseUrl ?? process.env[URL_VAR];
  if (!url) throw new CliExit(`give --url <Admit URL> or set ${URL_VAR}`, 2);
  if (!token) throw new CliExit(`set ${TOKEN_VAR} to an admin token with the ${scope} scope`, 2);
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new CliExit(`--url ${JSON.stringify(url)} is not a URL`, 2);
  }
  return {
    async call<T>(method: string, path: string, options: { query?: Record<string, string | number | undefined>; body?: unknown } = {}): Promise<T> {
      const target = new URL(path, base);
      for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) target.searchParams.set(name, String(value));
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(target, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        throw new CliExit(`${target.origin}: cannot connect${cause ? `: ${cause}` : ''}`);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        const { code, detail, revocation_id: id } = (body ?? {}) as { code?: string; detail?: string; revocation_id?: string };
        throw new CliExit(`${method} ${target.pathname}: ${res.status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}${id ? ` (revocation ${id})` : ''}`);
      }
      return body as T;
    },
  } as AdminApi;
}
