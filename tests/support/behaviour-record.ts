import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * A record of what Admit answers and emits, for refactors that must not change behaviour.
 *
 * With `E2E_BEHAVIOUR_RECORD=<dir>`, each e2e suite appends to `<dir>/<suite>.jsonl`:
 * - every error response (status ≥ 400) a loopback `fetch` receives: method, path, status, content
 *   type and body;
 * - every event Admit stored, read from the audit API when `startAdmit`'s `close` runs: type and data.
 *
 * Ids and times are left out, and the values that change from run to run (uuids, ports, digests,
 * tokens) are replaced by placeholders. `npx tsx tests/support/behaviour-compare.ts <before> <after>`
 * lists what one record holds and the other does not. Without the variable this module does nothing.
 */
const DIR = process.env.E2E_BEHAVIOUR_RECORD;

/** Keys whose values are ids, times, positions or measurements: left out of the record. */
const VOLATILE_KEY = /(^id$|_id$|^jti$|_at$|^iat$|^exp$|^nbf$|time|^seq$|offset|^partition$|digest|hash|sha256|^trace|span|latency|duration|_ms$|cursor|signature|^nonce$|^kid$|^x$|^y$|^jkt$|^thumbprint$|_age_s$)/i;

const PLACEHOLDERS: [RegExp, string][] = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>'],
  [/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<jwt>'],
  [/\b(localhost|127\.0\.0\.1|\[::1\]):\d+/g, '$1:<port>'],
  [/(%3A|:)\d{2,5}(?=%2F|\/|$)/gi, '$1<port>'],
  [/\/tmp\/[\w./-]+/g, '<tmp>'],
  [/\b[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b[\w-]{40,}\b/g, '<b64>'],
  [/\b\d{10,}\b/g, '<n>'],
];

export function stripVolatile(value: unknown): unknown {
  if (typeof value === 'string') return PLACEHOLDERS.reduce((text, [pattern, to]) => text.replace(pattern, to), value);
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value && typeof value === 'object') {
    const kept = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !VOLATILE_KEY.test(key))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => [key, stripVolatile(v)]);
    return Object.fromEntries(kept);
  }
  return value;
}

function record(entry: Record<string, unknown>): void {
  if (!DIR) return;
  const suite = basename(expect.getState().testPath ?? 'unknown', '.test.ts');
  mkdirSync(DIR, { recursive: true });
  appendFileSync(join(DIR, `${suite}.jsonl`), `${JSON.stringify(stripVolatile(entry))}\n`);
}

/** Records the events a stopped Admit stored (called by `startAdmit`'s `close`). */
export function recordEvents(events: { type: string; data: unknown }[]): void {
  for (const event of events) record({ event: event.type, data: event.data });
}

export const recordingBehaviour = DIR !== undefined;

if (DIR) {
  const fetchOf = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await fetchOf(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    // Readiness polls answer 503 until a process is ready, a number of times that depends on the machine.
    if (res.status >= 400 && /^(127\.|localhost$|\[::1\]$)/.test(url.hostname) && url.pathname !== '/health/ready') {
      const text = await res.clone().text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      record({ http: `${method} ${url.pathname}`, status: res.status, type: res.headers.get('content-type')?.split(';')[0], body });
    }
    return res;
  };
}
