import { Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';
import { DenialReason, EvidenceReport, REPORT_MAX_ITEMS, ReportWindow, RevocationEffect } from './evidence-report';
import { FIGURE_MAPPINGS } from './frameworks';

/** `$1` is `from`, `$2` is `to` in every statement below. */
const IN_WINDOW = `e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz`;

/**
 * The evidence report of a window, computed by PostgreSQL (or PGlite) from `audit_events` with
 * aggregates over the indexed query columns: memory holds the figures and at most REPORT_MAX_ITEMS
 * revocations and reason codes, however many events the window holds.
 */
export async function buildEvidenceReport(query: SqlQuery, window: ReportWindow, now = new Date()): Promise<EvidenceReport> {
  // One statement at a time: a pg Client or PGlite runs one anyway, and pg 9 will refuse overlapping ones.
  const admissions = await admissionsOf(query, window);
  const readmissions = await readmissionsOf(query, window);
  const checks = await accessChecksOf(query, window);
  const revocations = await revocationEffectsOf(query, window);
  const denials = await denialsOf(query, window);
  return {
    report: 'admit.evidence-report.v1',
    window,
    generated_at: now.toISOString(),
    figures: {
      admissions_by_source: admissions.bySource,
      metadata_backing: admissions.backing,
      revalidation: { access_checks: checks, readmissions },
      revocations,
      denials_by_reason: denials,
    },
    mappings: FIGURE_MAPPINGS,
  };
}

async function admissionsOf(query: SqlQuery, window: ReportWindow) {
  // An admission is backed when the validation of the same request (same correlation id) stored the
  // digest of a fetched document, of a verified statement, of a trust chain's statements or of a JWT-SVID: the
  // evidence itself, not the label.
  const rows = await query<{ source: string; admissions: number; signed: number; fetched: number; backed: number }>(
    `SELECT COALESCE(e.data -> 'admission' ->> 'source', 'unknown') AS source, count(*)::float8 AS admissions,
            count(*) FILTER (WHERE v.statement)::float8 AS signed, count(*) FILTER (WHERE v.document)::float8 AS fetched,
            count(*) FILTER (WHERE v.statement OR v.document)::float8 AS backed
     FROM audit_events e
     LEFT JOIN LATERAL (
       SELECT bool_or(x.data -> 'evidence' -> 'statement' IS NOT NULL OR x.data -> 'evidence' -> 'federation' IS NOT NULL OR x.data -> 'evidence' -> 'spiffe' IS NOT NULL) AS statement, bool_or(x.data -> 'evidence' -> 'document' IS NOT NULL) AS document
       FROM audit_events x
       WHERE x.correlation_id = e.correlation_id AND x.type = $3 AND x.client_id = e.client_id AND x.data ->> 'outcome' = 'valid'
     ) v ON TRUE
     WHERE e.type = $4 AND e.decision = 'allow' AND ${IN_WINDOW}
     GROUP BY 1`,
    [window.from, window.to, Topic.RegistrationValidated, Topic.RegistrationDecided],
  );
  const [{ clients }] = await query<{ clients: number }>(
    `SELECT count(DISTINCT e.client_id)::float8 AS clients FROM audit_events e WHERE e.type = $3 AND e.decision = 'allow' AND ${IN_WINDOW}`,
    [window.from, window.to, Topic.RegistrationDecided],
  );
  const by_source = { cimd: 0, software_statement: 0, federation: 0, spiffe: 0, self_asserted: 0, unknown: 0 };
  const backing = { admissions: 0, signed: 0, fetched: 0, backed: 0, share: null as number | null };
  for (const r of rows) {
    const key = r.source in by_source ? (r.source as keyof typeof by_source) : 'unknown';
    by_source[key] += r.admissions;
    backing.admissions += r.admissions;
    backing.signed += r.signed;
    backing.fetched += r.fetched;
    backing.backed += r.backed;
  }
  backing.share = backing.admissions === 0 ? null : backing.backed / backing.admissions;
  return { bySource: { admissions: backing.admissions, clients, by_source }, backing };
}

async function readmissionsOf(query: SqlQuery, window: ReportWindow): Promise<EvidenceReport['figures']['revalidation']['readmissions']> {
  const [row] = await query<EvidenceReport['figures']['revalidation']['readmissions']>(
    `SELECT count(*)::float8 AS clients, COALESCE(sum(n), 0)::float8 AS admissions, count(*) FILTER (WHERE n > 1)::float8 AS clients_admitted_again,
            COALESCE(sum(n - 1), 0)::float8 AS readmissions, COALESCE(max(n), 0)::float8 AS max_admissions_per_client
     FROM (SELECT count(*) AS n FROM audit_events e WHERE e.type = $3 AND e.decision = 'allow' AND ${IN_WINDOW} GROUP BY e.client_id) per_client`,
    [window.from, window.to, Topic.RegistrationDecided],
  );
  return row;
}

/** How many checks or decisions an event stands for: an aggregated access check (unknown clients) carries its `count`. */
const CHECKS = `COALESCE((e.data ->> 'count')::int, 1)`;

async function accessChecksOf(query: SqlQuery, window: ReportWindow): Promise<EvidenceReport['figures']['revalidation']['access_checks']> {
  const [row] = await query<EvidenceReport['figures']['revalidation']['access_checks']>(
    `SELECT COALESCE(sum(${CHECKS}), 0)::float8 AS total, COALESCE(sum(${CHECKS}) FILTER (WHERE e.data ->> 'path' = 'local'), 0)::float8 AS local,
            COALESCE(sum(${CHECKS}) FILTER (WHERE e.data ->> 'path' = 'pipeline'), 0)::float8 AS pipeline,
            COALESCE(sum(${CHECKS}) FILTER (WHERE e.decision = 'allow'), 0)::float8 AS allow,
            COALESCE(sum(${CHECKS}) FILTER (WHERE e.decision = 'deny'), 0)::float8 AS deny,
            count(DISTINCT e.client_id)::float8 AS clients
     FROM audit_events e WHERE e.type = $3 AND ${IN_WINDOW}`,
    [window.from, window.to, Topic.AccessChecked],
  );
  return row;
}

/**
 * Revocations recorded in the window (one per revocation id: the service may publish one again when
 * it rebuilds its topic), each with the first deny naming `revoked:<kind>` for a client it covers:
 * the client itself, or a client whose validated or admitted metadata names the anchor, origin,
 * software or key. The first deny may fall after the window: it is the effect of a revocation in it.
 */
const REVOCATION_EFFECTS = `
  WITH r AS (
    SELECT e.data ->> 'id' AS id, min(e.data ->> 'kind') AS kind, min(e.data ->> 'value') AS value, min(e.data ->> 'reason') AS reason,
           min(e.data ->> 'actor') AS actor, min(e.event_time) AS revoked_at
    FROM audit_events e WHERE e.type = $3 AND ${IN_WINDOW} GROUP BY e.data ->> 'id'
  )
  SELECT r.*, (
    SELECT min(d.event_time) FROM audit_events d
    WHERE d.type = ANY($4::text[]) AND d.decision = 'deny' AND d.event_time >= r.revoked_at
      AND d.data -> 'reasons' @> jsonb_build_array(jsonb_build_object('code', 'revoked:' || r.kind))
      AND CASE WHEN r.kind = 'client_id' THEN d.client_id = r.value ELSE EXISTS (
        SELECT 1 FROM audit_events x WHERE x.client_id = d.client_id AND x.type = ANY($5::text[]) AND CASE r.kind
          WHEN 'anchor' THEN x.anchor = r.value
          WHEN 'origin' THEN x.origin = r.value
          WHEN 'jkt' THEN x.jkts @> jsonb_build_array(r.value)
          WHEN 'software_id' THEN COALESCE(x.data -> 'admission' ->> 'software_id', x.data ->> 'software_id') = r.value
          ELSE FALSE END) END
  ) AS first_denial_at
  FROM r`;

async function revocationEffectsOf(query: SqlQuery, window: ReportWindow): Promise<EvidenceReport['figures']['revocations']> {
  const params = [window.from, window.to, Topic.Revocations, [Topic.AccessChecked, Topic.RegistrationDecided], [Topic.RegistrationValidated, Topic.RegistrationDecided]];
  const [summary] = await query<{ total: number; observed: number; median: number | null; max: number | null }>(
    `SELECT count(*)::float8 AS total, count(first_denial_at)::float8 AS observed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_denial_at - revoked_at))::float8 AS median,
            max(extract(epoch FROM first_denial_at - revoked_at))::float8 AS max
     FROM (${REVOCATION_EFFECTS}) fx`,
    params,
  );
  const rows = await query<Omit<RevocationEffect, 'revoked_at' | 'first_denial_at' | 'seconds_to_effect'> & { revoked_at: Date; first_denial_at: Date | null }>(
    `SELECT * FROM (${REVOCATION_EFFECTS}) fx ORDER BY revoked_at, id LIMIT ${REPORT_MAX_ITEMS}`,
    params,
  );
  const items = rows.map((r): RevocationEffect => ({
    ...r,
    revoked_at: r.revoked_at.toISOString(),
    first_denial_at: r.first_denial_at?.toISOString() ?? null,
    seconds_to_effect: r.first_denial_at ? (r.first_denial_at.getTime() - r.revoked_at.getTime()) / 1000 : null,
  }));
  return {
    total: summary.total,
    observed: summary.observed,
    not_observed: summary.total - summary.observed,
    median_seconds_to_effect: summary.median,
    max_seconds_to_effect: summary.max,
    items,
    truncated: summary.total > items.length,
  };
}

async function denialsOf(query: SqlQuery, window: ReportWindow): Promise<EvidenceReport['figures']['denials_by_reason']> {
  const params = [window.from, window.to, Topic.RegistrationDecided, Topic.AccessChecked];
  const denied = `e.type IN ($3, $4) AND e.decision = 'deny' AND ${IN_WINDOW}`;
  const [{ denials }] = await query<{ denials: number }>(`SELECT COALESCE(sum(${CHECKS}), 0)::float8 AS denials FROM audit_events e WHERE ${denied}`, params);
  // An event counts once under each code it names; one without reasons (a default deny) under `none`.
  const rows = await query<DenialReason & { codes: number }>(
    `SELECT code, count(*) FILTER (WHERE type = $3)::float8 AS registrations, COALESCE(sum(checks) FILTER (WHERE type = $4), 0)::float8 AS access_checks,
            sum(checks)::float8 AS total, (count(*) OVER ())::float8 AS codes
     FROM (SELECT e.type, COALESCE(reason ->> 'code', 'none') AS code, ${CHECKS} AS checks
           FROM audit_events e
           LEFT JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(e.data -> 'reasons') WHEN 'array' THEN e.data -> 'reasons' ELSE '[]'::jsonb END) reason ON TRUE
           WHERE ${denied}) c
     GROUP BY code ORDER BY total DESC, code COLLATE "C" LIMIT ${REPORT_MAX_ITEMS}`,
    params,
  );
  return {
    denials,
    reasons: rows.map(({ codes: _codes, ...r }) => r),
    truncated: rows.length > 0 && rows[0].codes > rows.length,
  };
}
