import { AuditQueries, buildEvidenceReport, EventFilters, EventPage, EvidenceReport, Page, ReportWindow, sqlOf, Timeline, verifyChains, VerifyReport } from '@admit/audit';
import { createDataSource } from '@admit/store';
import { JSONWebKeySet } from 'jose';
import { readFile } from 'node:fs/promises';
import { CliExit } from '../cli-exit';

/** Where the CLI reads the audit store from: the audit API (audited reads) or the database itself. */
export interface AuditSource {
  events(filters: EventFilters, page: Page): Promise<EventPage>;
  timeline(clientId: string, filters: { from?: string; to?: string }, page: Page): Promise<Timeline>;
  verify(): Promise<VerifyReport>;
  /** The evidence report as JSON; the CLI renders HTML from it itself, with the API's renderer. */
  report(window: ReportWindow): Promise<EvidenceReport>;
  close(): Promise<void>;
}

export const TOKEN_VAR = 'ADMIT_ADMIN_TOKEN';

/** The audit API at `baseUrl`, with the bearer token from ADMIT_ADMIN_TOKEN (never from an argument, which `ps` would show). */
export function apiSource(baseUrl: string, token = process.env[TOKEN_VAR]): AuditSource {
  if (!token) throw new CliExit(`set ${TOKEN_VAR} to an admin token with the audit:read scope`, 2);
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new CliExit(`--url ${JSON.stringify(baseUrl)} is not a URL`, 2);
  }
  const get = async <T>(path: string, params: Record<string, string | number | undefined>): Promise<T> => {
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, String(value));
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    if (!res.ok) throw new CliExit(`${url.pathname}: ${res.status} ${body.error ?? ''}${body.error_description ? `: ${body.error_description}` : ''}`);
    return body as T;
  };
  return {
    events: (filters, page) => get('/audit/events', { ...filters, ...page }),
    timeline: (clientId, filters, page) => get(`/audit/clients/${encodeURIComponent(clientId)}/timeline`, { ...filters, ...page }),
    verify: () => get('/audit/verify', {}),
    report: (window) => get('/audit/report', { ...window }),
    close: async () => undefined,
  };
}

/**
 * The database at `url`, read directly (for bulk exports and verification where the API's request
 * timeout is too short). Not audited by Admit: the database's own access control and logs apply.
 * Checkpoint signatures are checked only with `jwks` (a file, or an https/http URL such as intake's
 * /.well-known/jwks.json).
 */
export async function databaseSource(url: string, jwks?: string): Promise<AuditSource> {
  const ds = await createDataSource({ url }).initialize();
  const queries = new AuditQueries(sqlOf(ds));
  return {
    events: (filters, page) => queries.events(filters, page),
    timeline: (clientId, filters, page) => queries.timeline(clientId, filters, page),
    verify: async () => verifyChains(sqlOf(ds), jwks === undefined ? undefined : await loadJwks(jwks)),
    report: (window) => buildEvidenceReport(sqlOf(ds), window),
    close: () => ds.destroy(),
  };
}

async function loadJwks(location: string): Promise<JSONWebKeySet> {
  let text: string;
  if (/^https?:\/\//.test(location)) {
    const res = await fetch(location);
    if (!res.ok) throw new CliExit(`--jwks ${location}: ${res.status}`);
    text = await res.text();
  } else {
    text = await readFile(location, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliExit(`--jwks ${location}: cannot be read: ${err.code ?? 'error'}`);
    });
  }
  const jwks = JSON.parse(text) as JSONWebKeySet;
  if (!Array.isArray(jwks?.keys)) throw new CliExit(`--jwks ${location}: not a JWK Set`);
  // Only public parts: a private key in a verification set is a mistake worth refusing.
  if (jwks.keys.some((k) => 'd' in k)) throw new CliExit(`--jwks ${location}: holds a private key; give the public JWKS`);
  return jwks;
}
