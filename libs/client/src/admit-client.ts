import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AdmitError, errorOf } from './admit-error';
import { AccessCheckAnswer, AccessCheckRequest, AdmissionClaims, AdmittedClient, ClientMetadata } from './types';

/** The routes this client calls, as the OpenAPI document names them (a spec checks they are there). */
export const CLIENT_ROUTES = {
  resolveClient: 'GET /clients/{client_id}',
  register: 'POST /register',
  admit: 'POST /admissions',
  checkAccess: 'POST /access-checks',
  jwks: 'GET /.well-known/jwks.json',
} as const;

/** The JOSE `typ` of Admit's admission tokens. */
export const ADMISSION_TOKEN_TYPE = 'admission+jwt';

export interface AdmitClientOptions {
  /** Admit's intake, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The `iss` of admission tokens (`ADMIT_ISSUER`); default: `baseUrl`. */
  issuer?: string;
  /** Per attempt, answer body included (default 5 s). */
  timeoutMs?: number;
  /** Attempts after the first, on 503 and 429, and for GETs also on network errors and timeouts (default 2). */
  retries?: number;
  /** Backoff base without `Retry-After`: a random delay up to base × 2^attempt (default 200 ms). */
  retryBaseMs?: number;
  /** No wait between attempts is longer, whatever `Retry-After` says (default 5 s). */
  maxRetryDelayMs?: number;
  /** How long the JWKS is kept (default 5 min, as Admit's Cache-Control). */
  jwksCacheMs?: number;
  /** An unknown `kid` (a rotated key) fetches the JWKS again, at most this often (default 30 s). */
  jwksCooldownMs?: number;
  /** Algorithms accepted on admission tokens (default ES256, EdDSA, RS256, PS256). */
  algorithms?: string[];
  fetch?: typeof fetch;
  /** Called before each retry, with the wait chosen and the answer that caused it. */
  onRetry?: (attempt: number, delayMs: number, error: AdmitError) => void;
}

/**
 * Admit over HTTP for services, authorization servers and gateways: resolve a client, register,
 * admit by metadata document, check access, and verify admission tokens offline against Admit's
 * JWKS. Every call has a deadline; 503 and 429 are retried with jitter, honouring `Retry-After`; a
 * refusal throws AdmitError with the RFC 7591 or problem code.
 */
export class AdmitClient {
  private readonly base: string;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly options: Required<Omit<AdmitClientOptions, 'issuer' | 'fetch' | 'onRetry'>> & Pick<AdmitClientOptions, 'onRetry'> & { issuer: string; fetch: typeof fetch };

  constructor(options: AdmitClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.options = {
      timeoutMs: 5_000,
      retries: 2,
      retryBaseMs: 200,
      maxRetryDelayMs: 5_000,
      jwksCacheMs: 300_000,
      jwksCooldownMs: 30_000,
      algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      ...options,
      issuer: options.issuer ?? this.base,
      fetch: options.fetch ?? globalThis.fetch,
    };
    this.jwks = createRemoteJWKSet(new URL(`${this.base}${CLIENT_ROUTES.jwks.split(' ')[1]}`), {
      cacheMaxAge: this.options.jwksCacheMs,
      cooldownDuration: this.options.jwksCooldownMs,
      timeoutDuration: this.options.timeoutMs,
    });
  }

  /**
   * The metadata admitted for `clientId` right now (`GET /clients/{client_id}`): a CIMD client is
   * admitted on demand. Throws AdmitError `invalid_client` (404) for a client that is unknown,
   * denied, revoked or whose admission has ended.
   */
  resolveClient(clientId: string): Promise<AdmittedClient> {
    return this.call(CLIENT_ROUTES.resolveClient, undefined, { client_id: clientId });
  }

  /** RFC 7591 registration (`POST /register`): plain metadata or a `software_statement`. */
  register(metadata: ClientMetadata & { software_statement?: string }): Promise<AdmittedClient> {
    return this.call(CLIENT_ROUTES.register, metadata);
  }

  /** Admission by Client ID Metadata Document (`POST /admissions`). */
  admit(clientId: string): Promise<AdmittedClient> {
    return this.call(CLIENT_ROUTES.admit, { client_id: clientId });
  }

  /** `POST /access-checks`: a deny is an answer (`decision: 'deny'`), not an error. */
  checkAccess(check: AccessCheckRequest): Promise<AccessCheckAnswer> {
    return this.call(CLIENT_ROUTES.checkAccess, check);
  }

  /**
   * Verifies an admission token offline: signature against Admit's JWKS (cached; a new `kid`, after
   * a key rotation, fetches it again), `typ`, `iss`, `exp`, and `sub` when `clientId` is given.
   * Throws AdmitError `invalid_admission` with jose's code as the description.
   */
  async verifyAdmission(token: string, clientId?: string): Promise<AdmissionClaims> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.options.issuer,
        typ: ADMISSION_TOKEN_TYPE,
        algorithms: this.options.algorithms,
        ...(clientId === undefined ? {} : { subject: clientId }),
      });
      return payload as unknown as AdmissionClaims;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new AdmitError(0, 'invalid_admission', typeof code === 'string' ? `${code}: ${(err as Error).message}` : String(err));
    }
  }

  /** Calls a route of CLIENT_ROUTES, its `{params}` percent-encoded as one path segment each. */
  private call<T>(route: (typeof CLIENT_ROUTES)[keyof typeof CLIENT_ROUTES], body?: unknown, params: Record<string, string> = {}): Promise<T> {
    const [method, template] = route.split(' ') as ['GET' | 'POST', string];
    return this.request(method, template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? '')), body);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.options.retries;
      let res: Response;
      let text: string;
      try {
        res = await this.options.fetch(`${this.base}${path}`, {
          method,
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        const timedOut = (err as { name?: unknown }).name === 'TimeoutError';
        const error = new AdmitError(0, timedOut ? 'timeout' : 'network_error', timedOut ? `no answer within ${this.options.timeoutMs} ms` : String((err as Error).cause ?? err));
        // A POST that got no answer may have been taken: only GETs are sent again.
        if (last || method !== 'GET') throw error;
        await this.wait(attempt, error);
        continue;
      }
      const parsed = parseJson(text);
      if (res.ok) return parsed as T;
      const retryAfterS = retryAfter(res.headers.get('retry-after'));
      const error = errorOf(res.status, parsed, retryAfterS);
      if (last || (res.status !== 503 && res.status !== 429)) throw error;
      await this.wait(attempt, error);
    }
  }

  private async wait(attempt: number, error: AdmitError): Promise<void> {
    const delayMs = this.backoff(attempt, error.retryAfterS);
    this.options.onRetry?.(attempt + 1, delayMs, error);
    await sleep(delayMs);
  }

  /** Retry-After plus a little jitter, or full jitter over an exponential window; never past the cap. */
  private backoff(attempt: number, retryAfterS?: number): number {
    const { retryBaseMs, maxRetryDelayMs } = this.options;
    const wait = retryAfterS === undefined ? Math.random() * retryBaseMs * 2 ** attempt : retryAfterS * 1000 + Math.random() * retryBaseMs;
    return Math.min(wait, maxRetryDelayMs);
  }
}

function parseJson(text: string): unknown {
  try {
    return text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
