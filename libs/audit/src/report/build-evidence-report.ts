import { Topic } from '@admit/contracts';
import { SqlQuery } from '../sql-query';
import { DenialReason, EvidenceReport, REPORT_MAX_ITEMS, ReportWindow, RevocationEffect } from './evidence-report';
import { FIGURE_MAPPINGS } from './frameworks';
import { LIVE, partials, RolledUp, rolledUpDays, stored } from './report-days';
import { coverageOf } from './revocation-coverage';

/**
 * The evidence report of a window, computed by PostgreSQL (or PGlite) from `audit_events` with
 * aggregates over the indexed query columns: memory holds the figures and at most REPORT_MAX_ITEMS
 * revocations and reason codes, however many events the window holds (and the clients covered by the
 * window's revocations of a trust domain, SPIFFE ID prefix, attester or intermediate, see coverageOf).
 * The window's whole days that have ended are read from their stored figures (see rolledUpDays), the
 * rest from the events.
 */
export async function buildEvidenceReport(query: SqlQuery, window: ReportWindow, now = new Date(), days?: RolledUp): Promise<EvidenceReport> {
  days ??= await rolledUpDays(query, window, now);
  const params = [window.from, window.to, days.from, days.to, days.ids];
  // One statement at a time: a pg Client or PGlite runs one anyway, and pg 9 will refuse overlapping ones.
  const bySource = await admissionsOf(query, params);
  const clients = await clientsOf(query, params);
  const checks = await accessChecksOf(query, params);
  const revocations = await revocationEffectsOf(query, window);
  const denials = await denialsOf(query, params);
  return {
    report: 'admit.evidence-report.v1',
    window,
    generated_at: now.toISOString(),
    figures: {
      admissions_by_source: { admissions: bySource.backing.admissions, clients: clients.admitted, by_source: bySource.bySource },
      metadata_backing: bySource.backing,
      revalidation: { access_checks: { ...checks, clients: clients.checked }, readmissions: clients.readmissions },
      revocations,
      denials_by_reason: denials,
    },
    mappings: FIGURE_MAPPINGS,
  };
}

async function admissionsOf(query: SqlQuery, params: unknown[]) {
  const rows = await query<{ source: string; admissions: number; signed: number; fetched: number; backed: number }>(
    `SELECT source, sum(admissions)::float8 AS admissions, sum(signed)::float8 AS signed, sum(fetched)::float8 AS fetched, sum(backed)::float8 AS backed
     FROM (SELECT s.key AS source, (s.value ->> 0)::bigint AS admissions, (s.value ->> 1)::bigint AS signed, (s.value ->> 2)::bigint AS fetched, (s.value ->> 3)::bigint AS backed
           FROM audit_report_days d CROSS JOIN LATERAL jsonb_each(d.sources) s WHERE ${stored('d.id')}
           UNION ALL ${partials.sources(LIVE)}) x
     GROUP BY source`,
    params,
  );
  const bySource = { cimd: 0, software_statement: 0, federation: 0, spiffe: 0, client_attestation: 0, self_asserted: 0, unknown: 0 };
  const backing = { admissions: 0, signed: 0, fetched: 0, backed: 0, share: null as number | null };
  for (const r of rows) {
    const key = r.source in bySource ? (r.source as keyof typeof bySource) : 'unknown';
    bySource[key] += r.admissions;
    backing.admissions += r.admissions;
    backing.signed += r.signed;
    backing.fetched += r.fetched;
    backing.backed += r.backed;
  }
  backing.share = backing.admissions === 0 ? null : backing.backed / backing.admissions;
  return { bySource, backing };
}

/**
 * The figures that count clients, from each client's admissions and access check events in the
 * window: distinct clients admitted and checked, and how often each was admitted.
 */
async function clientsOf(query: SqlQuery, params: unknown[]) {
  const [row] = await query<EvidenceReport['figures']['revalidation']['readmissions'] & { admitted: number; checked: number }>(
    `SELECT count(client_id) FILTER (WHERE admissions > 0)::float8 AS admitted, count(client_id) FILTER (WHERE access_events > 0)::float8 AS checked,
            count(*) FILTER (WHERE admissions > 0)::float8 AS clients, COALESCE(sum(admissions), 0)::float8 AS admissions,
            count(*) FILTER (WHERE admissions > 1)::float8 AS clients_admitted_again,
            COALESCE(sum(admissions - 1) FILTER (WHERE admissions > 0), 0)::float8 AS readmissions, COALESCE(max(admissions), 0)::float8 AS max_admissions_per_client
     FROM (SELECT client_id, sum(admissions) AS admissions, sum(access_events) AS access_events
           FROM (SELECT c.client_id, c.admissions, c.access_events FROM audit_report_day_clients c WHERE ${stored('c.day_id')}
                 UNION ALL ${partials.clients(LIVE)}) u
           GROUP BY client_id) per_client`,
    params,
  );
  const { admitted, checked, ...readmissions } = row;
  return { admitted, checked, readmissions };
}

async function accessChecksOf(query: SqlQuery, params: unknown[]): Promise<Omit<EvidenceReport['figures']['revalidation']['access_checks'], 'clients'>> {
  const [row] = await query<Omit<EvidenceReport['figures']['revalidation']['access_checks'], 'clients'>>(
    `SELECT COALESCE(sum(total), 0)::float8 AS total, COALESCE(sum(x.local), 0)::float8 AS local, COALESCE(sum(pipeline), 0)::float8 AS pipeline,
            COALESCE(sum(allow), 0)::float8 AS allow, COALESCE(sum(deny), 0)::float8 AS deny
     FROM (SELECT d.access_total AS total, d.access_local AS local, d.access_pipeline AS pipeline, d.access_allow AS allow, d.access_deny AS deny
           FROM audit_report_days d WHERE ${stored('d.id')}
           UNION ALL ${partials.access(LIVE)}) x`,
    params,
  );
  return row;
}

/**
 * Revocations recorded in the window (one per revocation id: the service may publish one again when
 * it rebuilds its topic), each with the first deny naming `revoked:<kind>` for a client it covers:
 * the client itself, or a client whose validated or admitted metadata names the anchor, origin,
 * software or key; for a trust domain, SPIFFE ID prefix, attester or intermediate, the clients the
 * revocation set matches (`$6` revocation ids beside `$7` client ids, see coverageOf). The first deny
 * may fall after the window: it is the effect of a revocation in it. The covered clients are listed
 * first (each kind by its own index), then each one's first deny read by the (client, time) index,
 * client by client: never a scan of every deny since the revocation. (Asked as one `min` over all the
 * covered clients, PostgreSQL read the time index from the revocation on, in every partition since.)
 */
const REVOCATION_EFFECTS = `
  WITH r AS (
    SELECT e.data ->> 'id' AS id, min(e.data ->> 'kind') AS kind, min(e.data ->> 'value') AS value, min(e.data ->> 'reason') AS reason,
           min(e.data ->> 'actor') AS actor, min(e.event_time) AS revoked_at
    FROM audit_events e WHERE e.type = $3 AND e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz GROUP BY e.data ->> 'id'
  )
  SELECT r.*, (
    SELECT min(f.event_time) FROM unnest(ARRAY(
            SELECT r.value WHERE r.kind = 'client_id'
            UNION SELECT x.client_id FROM audit_events x WHERE r.kind = 'anchor' AND x.anchor = r.value AND x.type = ANY($5::text[])
            UNION SELECT x.client_id FROM audit_events x WHERE r.kind = 'origin' AND x.origin = r.value AND x.type = ANY($5::text[])
            UNION SELECT x.client_id FROM audit_events x WHERE r.kind = 'jkt' AND x.jkts @> jsonb_build_array(r.value) AND x.type = ANY($5::text[])
            UNION SELECT x.client_id FROM audit_events x
              WHERE r.kind = 'software_id' AND COALESCE(x.data -> 'admission' ->> 'software_id', x.data ->> 'software_id') = r.value AND x.type = ANY($5::text[])
            UNION SELECT c.client_id FROM unnest($6::text[], $7::text[]) AS c(revocation, client_id) WHERE c.revocation = r.id)) AS covered(client_id)
    CROSS JOIN LATERAL (
      SELECT d.event_time FROM audit_events d
      WHERE d.client_id = covered.client_id AND d.event_time >= r.revoked_at AND d.type = ANY($4::text[]) AND d.decision = 'deny'
        AND d.data -> 'reasons' @> jsonb_build_array(jsonb_build_object('code', 'revoked:' || r.kind))
      ORDER BY d.event_time LIMIT 1) f
  ) AS first_denial_at
  FROM r`;

type EffectRow = Omit<RevocationEffect, 'revoked_at' | 'first_denial_at' | 'seconds_to_effect'> & { revoked_at: Date; first_denial_at: Date | null };

async function revocationEffectsOf(query: SqlQuery, window: ReportWindow): Promise<EvidenceReport['figures']['revocations']> {
  const coverage = await coverageOf(query, window);
  const params = [
    window.from, window.to, Topic.Revocations, [Topic.AccessChecked, Topic.RegistrationDecided], [Topic.RegistrationValidated, Topic.RegistrationDecided],
    coverage.revocations, coverage.clients,
  ];
  // One statement: the summary of every revocation, beside the first REPORT_MAX_ITEMS (none: one row, the summary).
  const rows = await query<{ total: number; observed: number; median: number | null; max: number | null } & Partial<EffectRow>>(
    `WITH fx AS (${REVOCATION_EFFECTS}),
     summary AS (
       SELECT count(*)::float8 AS total, count(first_denial_at)::float8 AS observed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_denial_at - revoked_at))::float8 AS median,
              max(extract(epoch FROM first_denial_at - revoked_at))::float8 AS max
       FROM fx
     )
     SELECT summary.*, i.* FROM summary LEFT JOIN LATERAL (SELECT * FROM fx ORDER BY revoked_at, id LIMIT ${REPORT_MAX_ITEMS}) i ON TRUE
     ORDER BY i.revoked_at, i.id`,
    params,
  );
  const [summary] = rows;
  // Without a revocation, the LEFT JOIN leaves the one row's item columns null.
  const items = rows.flatMap(({ total: _t, observed: _o, median: _m, max: _x, ...r }) => (r.revoked_at ? [effectOf(r as EffectRow)] : []));
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

function effectOf(r: EffectRow): RevocationEffect {
  return {
    ...r,
    revoked_at: r.revoked_at.toISOString(),
    first_denial_at: r.first_denial_at?.toISOString() ?? null,
    seconds_to_effect: r.first_denial_at ? (r.first_denial_at.getTime() - r.revoked_at.getTime()) / 1000 : null,
  };
}

async function denialsOf(query: SqlQuery, params: unknown[]): Promise<EvidenceReport['figures']['denials_by_reason']> {
  const [{ denials }] = await query<{ denials: number }>(
    `SELECT COALESCE(sum(n), 0)::float8 AS denials FROM (SELECT d.denials AS n FROM audit_report_days d WHERE ${stored('d.id')} UNION ALL ${partials.denials(LIVE)}) x`,
    params,
  );
  const rows = await query<DenialReason & { codes: number }>(
    `SELECT code, sum(registrations)::float8 AS registrations, sum(access_checks)::float8 AS access_checks, sum(total)::float8 AS total, (count(*) OVER ())::float8 AS codes
     FROM (SELECT r.key AS code, (r.value ->> 0)::bigint AS registrations, (r.value ->> 1)::bigint AS access_checks, (r.value ->> 2)::bigint AS total
           FROM audit_report_days d CROSS JOIN LATERAL jsonb_each(d.reasons) r WHERE ${stored('d.id')}
           UNION ALL ${partials.reasons(LIVE)}) x
     GROUP BY code ORDER BY total DESC, code COLLATE "C" LIMIT ${REPORT_MAX_ITEMS}`,
    params,
  );
  return {
    denials,
    reasons: rows.map(({ codes: _codes, ...r }) => r),
    truncated: rows.length > 0 && rows[0].codes > rows.length,
  };
}
