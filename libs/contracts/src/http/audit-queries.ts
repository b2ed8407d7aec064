import { Static, TSchema, Type } from '@sinclair/typebox';
import { ALL_TOPICS } from '../topics';

/**
 * The query strings of the audit API, checked by these schemas alone (RequestSchemas for the API;
 * the auditor console and the CLI check theirs with the same schemas). What a schema cannot say is
 * left to the audit service: a time's meaning (2026-02-31 does not exist), `from` before `to`, and a
 * cursor's contents. Parameters are strings, as a query string spells them; an unknown or repeated
 * one is refused.
 */
const query = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false });

const text = (description: string) => Type.String({ minLength: 1, maxLength: 2048, description });
const time = (description: string) => Type.String({ format: 'date-time', description: `RFC 3339 with an offset, such as 2026-01-31T00:00:00Z; ${description}` });
/** A decimal integer from 1 to `max` (1000 or 200), as a pattern: query parameters are strings. */
const limit = (max: 1000 | 200, description: string) =>
  Type.String({ pattern: max === 1000 ? '^(1000|[1-9][0-9]{0,2})$' : '^(200|1[0-9]{2}|[1-9][0-9]?)$', description: `${description}: 1 to ${max}.` });

const window = {
  from: Type.Optional(time('inclusive.')),
  to: Type.Optional(time('exclusive; after from.')),
};
const page = (max: 1000 | 200, description: string) => ({
  limit: Type.Optional(limit(max, description)),
  // Its contents are the audit service's to check (ERR_AUDIT_CURSOR_INVALID), not the schema's.
  cursor: Type.Optional(Type.String({ description: 'The next page: next_cursor of the previous answer, with the same filters.' })),
});
const subjects = {
  anchor: Type.Optional(text('Admitted under this trust anchor id.')),
  origin: Type.Optional(text('Metadata documents from this origin.')),
  jkt: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'A client key: its RFC 7638 SHA-256 thumbprint (43 base64url characters).' })),
};

/** `GET /audit/events`: every filter given must hold. */
export const AuditEventsQuery = query({
  client_id: Type.Optional(text('One client.')),
  type: Type.Optional(Type.Union(ALL_TOPICS.map((t) => Type.Literal(t)), { description: 'An event type.' })),
  ...window,
  ...subjects,
  decision: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')], { description: 'The decision.' })),
  policy_version: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: 'Decided under this policy version (sha256:<64 hex digits>).' })),
  ...page(1000, 'Events per page (default 100)'),
});
export type AuditEventsQuery = Static<typeof AuditEventsQuery>;

/** `GET /audit/clients/{client_id}/timeline`. */
export const AuditTimelineQuery = query({ ...window, ...page(1000, 'Events per page (default 100)') });
export type AuditTimelineQuery = Static<typeof AuditTimelineQuery>;

/** `GET /audit/incidents`: exactly one of anchor, origin or jkt (the service checks that). */
export const AuditIncidentsQuery = query({ ...subjects, ...window, ...page(200, 'Clients per page (default 50)') });
export type AuditIncidentsQuery = Static<typeof AuditIncidentsQuery>;

/** `GET /audit/report`: one window, both ends given. */
export const AuditReportQuery = query({
  from: time('inclusive.'),
  to: time('exclusive; after from.'),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')], { description: 'json (the default) or one self-contained html page.' })),
});
export type AuditReportQuery = Static<typeof AuditReportQuery>;

/** `GET /audit/checkpoints`. */
export const AuditCheckpointsQuery = query({
  after: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,18})$', description: 'Checkpoints after this number (default 0).' })),
  limit: Type.Optional(limit(1000, 'Checkpoints per page (default 1000)')),
});
export type AuditCheckpointsQuery = Static<typeof AuditCheckpointsQuery>;

/** Positions one `GET /audit/links` may ask for: enough for every partition of every topic. */
export const MAX_LINK_POINTS = 500;
const POINT = '[A-Za-z0-9._-]{1,249}:[0-9]{1,9}:[1-9][0-9]{0,15}';

/** `GET /audit/links`. */
export const AuditLinksQuery = query({
  at: Type.String({
    pattern: `^${POINT}(,${POINT}){0,${MAX_LINK_POINTS - 1}}$`,
    description: `Comma-separated <topic>:<partition>:<position> (position from 1), at most ${MAX_LINK_POINTS}.`,
  }),
});
export type AuditLinksQuery = Static<typeof AuditLinksQuery>;
