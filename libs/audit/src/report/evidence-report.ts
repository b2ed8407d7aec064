import { FigureName, Mapping } from './frameworks';

/** The window a report covers: `from` inclusive, `to` exclusive, both RFC 3339 instants. */
export interface ReportWindow {
  from: string;
  to: string;
}

export interface RevocationEffect {
  id: string;
  kind: string;
  value: string;
  reason: string;
  actor: string;
  /** When the revocation event was recorded. */
  revoked_at: string;
  /** The first deny with `revoked:<kind>` for a client it covers, after `revoked_at`; null: not observed. */
  first_denial_at: string | null;
  seconds_to_effect: number | null;
}

/** How many of each reason code denied a registration or an access check. */
export interface DenialReason {
  code: string;
  registrations: number;
  access_checks: number;
  total: number;
}

/**
 * What the audit store shows for a time window, computed by SQL from `audit_events`. Every count
 * is of stored events, so each figure can be re-derived with `admit audit query` over the same window.
 */
export interface EvidenceReport {
  report: 'admit.evidence-report.v1';
  window: ReportWindow;
  generated_at: string;
  figures: {
    admissions_by_source: {
      /** Allow decisions (`admit.registration.decided.v1`) in the window, and the distinct clients they admitted. */
      admissions: number;
      clients: number;
      /** `unknown`: decisions stored before contracts 1.1.0, which did not name their source. */
      by_source: { cimd: number; software_statement: number; federation: number; spiffe: number; client_attestation: number; self_asserted: number; unknown: number };
    };
    metadata_backing: {
      admissions: number;
      /** Admissions whose validation (same correlation id) stored a verified statement's, trust chain's, JWT-SVID's or client attestation's digests. */
      signed: number;
      /** Admissions whose validation stored a fetched document's URL and digest. */
      fetched: number;
      /** Signed or fetched: the metadata did not rest on the caller's word alone. */
      backed: number;
      /** backed / admissions, 0..1; null with no admission. */
      share: number | null;
    };
    revalidation: {
      access_checks: { total: number; local: number; pipeline: number; allow: number; deny: number; clients: number };
      /** Per client admitted in the window: how often it was admitted (registration, renewal or pipeline access check). */
      readmissions: { clients: number; admissions: number; clients_admitted_again: number; readmissions: number; max_admissions_per_client: number };
    };
    revocations: {
      total: number;
      observed: number;
      not_observed: number;
      median_seconds_to_effect: number | null;
      max_seconds_to_effect: number | null;
      /** Oldest first, at most REPORT_MAX_ITEMS; `truncated` when there were more (the counts above cover all). */
      items: RevocationEffect[];
      truncated: boolean;
    };
    denials_by_reason: {
      /** Deny decisions and deny access checks in the window (one event may carry several reasons). */
      denials: number;
      reasons: DenialReason[];
      truncated: boolean;
    };
  };
  /** What each figure evidences, and the framework items it maps to. */
  mappings: Record<FigureName, Mapping>;
}

/** The most revocations and reason codes a report lists; counts always cover the whole window. */
export const REPORT_MAX_ITEMS = 200;
