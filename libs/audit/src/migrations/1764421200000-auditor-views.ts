import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role auditors' logins are granted (NOLOGIN: operators `GRANT admit_auditor TO <person>`). */
export const AUDITOR_ROLE = 'admit_auditor';

/**
 * The auditors' read-only door to the event store: a schema `audit` of four documented views over
 * the trail (docs/auditor-sql.md), and the NOLOGIN role `admit_auditor` with USAGE on that schema and
 * SELECT on those views, nothing else. The views run with their owner's rights, so the role reads
 * through them without any privilege on the tables. Roles are cluster-wide: the role is created
 * here when missing, which needs CREATEROLE; an owner role without it needs a superuser to run
 * `CREATE ROLE admit_auditor NOLOGIN` once first (tools/postgres/roles.sql, `npm run stack` do).
 */
export class AuditorViews1764421200000 implements MigrationInterface {
  name = 'AuditorViews1764421200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AUDITOR_ROLE}') THEN CREATE ROLE ${AUDITOR_ROLE} NOLOGIN; END IF;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'the role ${AUDITOR_ROLE} does not exist and % may not create it: run CREATE ROLE ${AUDITOR_ROLE} NOLOGIN as a superuser, then migrate again', current_user
          USING ERRCODE = 'object_not_in_prerequisite_state';
    END $$`);
    await q.query(`CREATE SCHEMA audit`);
    await createAuditorViews(q);
    await q.query(`REVOKE ALL ON SCHEMA audit FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA audit TO ${AUDITOR_ROLE}`);
    await q.query(`GRANT SELECT ON audit.events, audit.decisions, audit.access_checks, audit.revocations TO ${AUDITOR_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA audit CASCADE`);
  }
}

/**
 * The four views, bound to the `public.audit_events` of the moment: run again (they are CREATE OR
 * REPLACE, so their grants stay) when that table is replaced.
 */
export async function createAuditorViews(q: QueryRunner): Promise<void> {
  // Every stored event, with the query columns; `data` is the event as published (events never hold secrets).
  await q.query(`CREATE OR REPLACE VIEW audit.events AS
    SELECT e.seq, e.event_id, e.type, e.source, e.subject, e.correlation_id, e.causation_id, e.event_time, e.recorded_at,
           e.client_id, e.decision, e.policy_version, e.anchor, e.origin, e.jkts, e.data
    FROM public.audit_events e`);
  // Registration decisions (admit.registration.decided.v1), with what the admission was made from.
  await q.query(`CREATE OR REPLACE VIEW audit.decisions AS
    SELECT e.seq, e.event_time, e.correlation_id, e.client_id, e.decision, e.policy_version,
           e.data -> 'admission' ->> 'source' AS source, e.anchor, e.origin, e.data -> 'admission' ->> 'software_id' AS software_id, e.jkts,
           e.data -> 'determining_policies' AS determining_policies, e.data -> 'reasons' AS reasons,
           ARRAY(SELECT r ->> 'code' FROM jsonb_array_elements(CASE jsonb_typeof(e.data -> 'reasons') WHEN 'array' THEN e.data -> 'reasons' ELSE '[]'::jsonb END) r) AS reason_codes,
           e.data -> 'admission' ->> 'expires_at' AS admission_expires_at
    FROM public.audit_events e WHERE e.type = 'admit.registration.decided.v1'`);
  // Access checks (admit.access.checked.v1); an aggregated event of unknown clients stands for \`checks\` checks.
  await q.query(`CREATE OR REPLACE VIEW audit.access_checks AS
    SELECT e.seq, e.event_time, e.correlation_id, e.client_id, e.data ->> 'check_id' AS check_id, e.data ->> 'action' AS action,
           e.data ->> 'resource' AS resource, e.decision, e.policy_version, e.data ->> 'path' AS path, e.data -> 'reasons' AS reasons,
           ARRAY(SELECT r ->> 'code' FROM jsonb_array_elements(CASE jsonb_typeof(e.data -> 'reasons') WHEN 'array' THEN e.data -> 'reasons' ELSE '[]'::jsonb END) r) AS reason_codes,
           COALESCE((e.data ->> 'count')::int, 1) AS checks
    FROM public.audit_events e WHERE e.type = 'admit.access.checked.v1'`);
  // One row per revocation id (the service may publish one again), with how it ended, if it did:
  // the revocation.lifted / revocation.expired admin action naming it, or its expiry passing.
  await q.query(`CREATE OR REPLACE VIEW audit.revocations AS
    SELECT r.id, r.kind, r.value, r.reason, r.actor, r.revoked_at, r.expires_at, x.ended_at, x.ended_by,
           CASE WHEN x.action = 'revocation.lifted' THEN 'lifted' WHEN x.action IS NOT NULL THEN 'expired'
                WHEN r.expires_at IS NOT NULL AND r.expires_at::timestamptz <= now() THEN 'expired' ELSE 'active' END AS status
    FROM (SELECT DISTINCT ON (e.data ->> 'id') e.data ->> 'id' AS id, e.data ->> 'kind' AS kind, e.data ->> 'value' AS value,
                 e.data ->> 'reason' AS reason, e.data ->> 'actor' AS actor, e.event_time AS revoked_at, e.data ->> 'expires_at' AS expires_at
          FROM public.audit_events e WHERE e.type = 'admit.revocations.v1' AND jsonb_typeof(e.data) = 'object'
          ORDER BY e.data ->> 'id', e.seq) r
    LEFT JOIN LATERAL (
      SELECT a.data ->> 'action' AS action, a.data ->> 'at' AS ended_at, a.data ->> 'actor' AS ended_by
      FROM public.audit_events a
      WHERE a.type = 'admit.admin.actions.v1' AND (a.data ->> 'target') = r.id AND (a.data ->> 'action') IN ('revocation.lifted', 'revocation.expired')
      ORDER BY a.seq LIMIT 1) x ON TRUE`);
}
