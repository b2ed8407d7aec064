import {
  AuditQueries,
  buildEvidenceReport,
  CheckpointCheckOptions,
  CheckpointReader,
  EventFilters,
  EventPage,
  EvidenceReport,
  LinkAt,
  Page,
  ReportWindow,
  sqlOf,
  StoredCheckpointRow,
  Timeline,
  verifyChains,
  verifyCheckpoints,
  VerifyReport,
} from '@admit/audit';
import { createDataSource } from '@admit/store';
import { JSONWebKeySet } from 'jose';
import { readFile } from 'node:fs/promises';
import { CliExit } from '../cli-exit';

/** Where the CLI reads the audit store from: the audit API (audited reads) or the database itself. */
export interface AuditSource {
  events(filters: EventFilters, page: Page): Promise<EventPage>;
  timeline(clientId: string, filters: { from?: string; to?: string }, page: Page): Promise<Timeline>;
  /** With `jwks`, checkpoint signatures are checked here against those keys, never on the server's word. */
  verify(options: CheckpointCheckOptions): Promise<VerifyReport>;
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
    async verify(options) {
      const report = await get<VerifyReport>('/audit/verify', {});
      if (!options.jwks && !options.external && options.maxAgeS === undefined) return report;
      // The server's checkpoint findings used its own keys; redo them here with the keys given.
      const reader: CheckpointReader = {
        page: async (after, limit) => (await get<{ checkpoints: StoredCheckpointRow[] }>('/audit/checkpoints', { after, limit })).checkpoints,
        async linksAt(points) {
          const out: LinkAt[] = [];
          for (let i = 0; i < points.length; i += 100) {
            const at = points.slice(i, i + 100).map((p) => `${p.topic}:${p.partition}:${p.position}`).join(',');
            out.push(...(await get<{ links: LinkAt[] }>('/audit/links', { at })).links);
          }
          return out;
        },
      };
      report.checkpoints = await verifyCheckpoints(reader, options);
      report.ok = report.breaks.length === 0 && report.unchained.count === 0 && report.checkpoints.problems.length === 0;
      return report;
    },
    report: (window) => get('/audit/report', { ...window }),
    close: async () => undefined,
  };
}

/**
 * The database at `url`, read directly (for bulk exports and verification where the API's request
 * timeout is too short). Not audited by Admit: the database's own access control and logs apply.
 * Checkpoint signatures are checked only with the public checkpoint keys (`--jwks`).
 */
export async function databaseSource(url: string): Promise<AuditSource> {
  const ds = await createDataSource({ url }).initialize();
  const queries = new AuditQueries(sqlOf(ds));
  return {
    events: (filters, page) => queries.events(filters, page),
    timeline: (clientId, filters, page) => queries.timeline(clientId, filters, page),
    verify: (options) => verifyChains(sqlOf(ds), options),
    report: (window) => buildEvidenceReport(sqlOf(ds), window),
    close: () => ds.destroy(),
  };
}

/** A public JWK Set from a file or an http(s) URL (such as the audit service's checkpoint JWKS). */
export async function loadJwks(location: string): Promise<JSONWebKeySet> {
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
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(text) as JSONWebKeySet;
  } catch {
    throw new CliExit(`--jwks ${location}: not JSON`);
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.some((k) => typeof k !== 'object' || k === null)) throw new CliExit(`--jwks ${location}: not a JWK Set`);
  // Only public parts: a private key in a verification set is a mistake worth refusing.
  if (jwks.keys.some((k) => 'd' in k)) throw new CliExit(`--jwks ${location}: holds a private key; give the public JWKS`);
  return jwks;
}
