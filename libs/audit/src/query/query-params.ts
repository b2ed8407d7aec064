import { AuditReportQuery } from '@admit/contracts';
import { schemaFault } from '@admit/platform';
import { Static, TSchema } from '@sinclair/typebox';
import { AuditError, AuditErrorCode } from '../audit-error';

export const DEFAULT_LIMIT = 100;
/** Clients per page of the incident view unless `limit` says (AuditIncidentsQuery allows up to 200). */
export const INCIDENT_PAGE = 50;

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

/**
 * A query string checked against its schema in the HTTP contract (AuditEventsQuery, …), as the API's
 * RequestSchemas checks it, for the console and the CLI, which reach the audit service without the API.
 */
export function checkedQuery<T extends TSchema>(schema: T, input: Record<string, unknown>): Static<T> {
  const fault = schemaFault(schema, input, 'query');
  if (fault) throw invalid(fault.message);
  return input as Static<T>;
}

/** A checked query's time window as UTC instants (one spelling, for SQL and cursors): each a real instant, `from` before `to`. */
export function timeWindow<Q extends { from?: string; to?: string }>(query: Q): Q {
  const window = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Q;
  for (const name of ['from', 'to'] as const) if (query[name] !== undefined) window[name] = instant(query[name], name) as Q[typeof name];
  if (window.from !== undefined && window.to !== undefined && window.from >= window.to) throw invalid('from must be before to');
  return window;
}

/** A checked query split into its filters (time window checked) and its page (limit, default `defaultLimit`; cursor). */
export function filtersAndPage<Q extends { from?: string; to?: string; limit?: string; cursor?: string }>(
  query: Q,
  defaultLimit = DEFAULT_LIMIT,
): { filters: Omit<Q, 'limit' | 'cursor'>; page: Page } {
  const { limit, cursor, ...filters } = query;
  return { filters: timeWindow(filters), page: { limit: limit === undefined ? defaultLimit : Number(limit), ...(cursor === undefined ? {} : { cursor }) } };
}

/** The window of a report query checked as the API checks it (AuditReportQuery): both ends given, in order, in UTC. */
export function reportWindow(input: Record<string, unknown>): { from: string; to: string } {
  const { from, to } = timeWindow(checkedQuery(AuditReportQuery, input));
  return { from, to };
}

/** An RFC 3339 date-time (the schema checked its form) that names a real instant, in UTC. */
function instant(value: string, name: string): string {
  // Date.parse rolls 2026-02-31 over into March; an auditor's typo must not move the window.
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const real = m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  if (!real || Number.isNaN(Date.parse(value))) throw invalid(`${name} must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z`);
  return new Date(value).toISOString();
}

function invalid(message: string): AuditError {
  return new AuditError(AuditErrorCode.QueryInvalid, message);
}
