import {
  AuditQueries,
  buildEvidenceReport,
  CheckpointCheckOptions,
  CheckpointReader,
  EventFilters,
  EventPage,
  Incident,
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
import { adminApi } from '../admin-api';
import { CliExit } from '../cli-exit';

export interface IncidentSubject {
  kind: 'anchor' | 'origin' | 'jkt';
  value: string;
}

/** Where the CLI reads the audit store from: the audit API (audited reads) or the database itself. */
export interface AuditSource {
  events(filters: EventFilters, page: Page): Promise<EventPage>;
  timeline(clientId: string, filters: { from?: string; to?: string }, page: Page): Promise<Timeline>;
  /** Every client admitted under an anchor, a key or a document host in the window: the incident view. */
  incident(subject: IncidentSubject, filters: { from?: string; to?: string }, page: Page): Promise<Incident>;
  /** With `jwks`, checkpoint signatures are checked here against those keys, never on the server's word. */
  verify(options: CheckpointCheckOptions): Promise<VerifyReport>;
  /** The evidence report as JSON; the CLI renders HTML from it itself, with the API's renderer. */
  report(window: ReportWindow): Promise<EvidenceReport>;
  close(): Promise<void>;
}

/** The audit API at `baseUrl`, with the bearer token from ADMIT_ADMIN_TOKEN (never from an argument, which `ps` would show). */
export function apiSource(baseUrl: string, token?: string): AuditSource {
  const api = token === undefined ? adminApi(baseUrl, 'audit:read') : adminApi(baseUrl, 'audit:read', token);
  const get = <T>(path: string, query: Record<string, string | number | undefined>): Promise<T> => api.call<T>('GET', path, { query });
  return {
    events: (filters, page) => get('/audit/events', { ...filters, ...page }),
    timeline: (clientId, filters, page) => get(`/audit/clients/${encodeURIComponent(clientId)}/timeline`, { ...filters, ...page }),
    incident: (subject, filters, page) => get('/audit/incidents', { [subject.kind]: subject.value, ...filters, ...page }),
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
    incident: (subject, filters, page) => queries.incident(subject, filters, page),
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
