import { ALL_TOPICS } from '@admit/contracts';
import { AuditError, AuditErrorCode } from '../audit-error';

export const MAX_LIMIT = 1_000;
export const DEFAULT_LIMIT = 100;

/** Filters of `GET /audit/events`; every one given must hold. Times: `from` inclusive, `to` exclusive. */
export interface EventFilters {
  client_id?: string;
  type?: string;
  from?: string;
  to?: string;
  anchor?: string;
  origin?: string;
  decision?: 'allow' | 'deny';
  policy_version?: string;
  jkt?: string;
}

export interface Page {
  limit: number;
  cursor?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

type Check = (value: string, name: string) => string;

const text: Check = (value, name) => {
  if (value.length === 0 || value.length > 2048) throw invalid(`${name} must be 1 to 2048 characters`);
  return value;
};
const time: Check = (value, name) => {
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value)) || !realDay(value)) throw invalid(`${name} must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z`);
  return new Date(value).toISOString();
};
const FILTERS: Record<keyof EventFilters, Check> = {
  client_id: text,
  type: (value, name) => {
    if (!(ALL_TOPICS as readonly string[]).includes(value)) throw invalid(`${name} must be one of ${ALL_TOPICS.join(', ')}`);
    return value;
  },
  from: time,
  to: time,
  anchor: text,
  origin: text,
  decision: (value, name) => {
    if (value !== 'allow' && value !== 'deny') throw invalid(`${name} must be allow or deny`);
    return value;
  },
  policy_version: (value, name) => {
    if (!/^sha256:[0-9a-f]{64}$/.test(value)) throw invalid(`${name} must be sha256:<64 hex digits>`);
    return value;
  },
  jkt: (value, name) => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(value)) throw invalid(`${name} must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)`);
    return value;
  },
};

/** The filters and page of a query string; unknown, repeated or malformed parameters are refused, not ignored. */
export function parseQuery<K extends keyof EventFilters>(
  input: Record<string, unknown>,
  allowed: readonly K[],
  defaultLimit = DEFAULT_LIMIT,
  maxLimit = MAX_LIMIT,
): { filters: Pick<EventFilters, K>; page: Page } {
  const filters: Partial<Record<keyof EventFilters, string>> = {};
  const page: Page = { limit: defaultLimit };
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw invalid(`${name} may be given once`);
    if (name === 'limit') page.limit = limit(raw, maxLimit);
    else if (name === 'cursor') page.cursor = raw;
    else if ((allowed as readonly string[]).includes(name)) filters[name as K] = FILTERS[name as K](raw, name);
    else throw invalid(`unknown parameter ${JSON.stringify(name.slice(0, 64))}; known: ${[...allowed, 'limit', 'cursor'].join(', ')}`);
  }
  if (filters.from && filters.to && filters.from >= filters.to) throw invalid('from must be before to');
  return { filters: filters as Pick<EventFilters, K>, page };
}

/** Date.parse rolls 2026-02-31 over into March; an auditor's typo must not move the window. */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  return m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

function limit(raw: string, max: number): number {
  if (!/^[0-9]{1,7}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw invalid(`limit must be an integer from 1 to ${max}`);
  return Number(raw);
}

function invalid(message: string): AuditError {
  return new AuditError(AuditErrorCode.QueryInvalid, message);
}

export const EVENT_FILTERS = ['client_id', 'type', 'from', 'to', 'anchor', 'origin', 'decision', 'policy_version', 'jkt'] as const;
export const WINDOW_FILTERS = ['from', 'to'] as const;
export const INCIDENT_FILTERS = ['anchor', 'origin', 'jkt', 'from', 'to'] as const;
