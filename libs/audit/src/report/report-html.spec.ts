// Real: everything (the renderer is pure); nothing stubbed. The report is built here by hand.
import { EvidenceReport } from './evidence-report';
import { FIGURE_MAPPINGS } from './frameworks';
import { escapeHtml, renderReportHtml } from './report-html';

const HOSTILE = `<img src=x onerror="alert(1)">'&`;

const report: EvidenceReport = {
  report: 'admit.evidence-report.v1',
  window: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
  generated_at: '2026-02-01T00:00:01.000Z',
  figures: {
    admissions_by_source: { admissions: 4, clients: 3, by_source: { cimd: 1, software_statement: 2, federation: 0, spiffe: 0, client_attestation: 0, self_asserted: 1, unknown: 0 } },
    metadata_backing: { admissions: 4, signed: 2, fetched: 1, backed: 3, share: 0.75 },
    revalidation: {
      access_checks: { total: 5, local: 4, pipeline: 1, allow: 4, deny: 1, clients: 2 },
      readmissions: { clients: 3, admissions: 4, clients_admitted_again: 1, readmissions: 1, max_admissions_per_client: 2 },
    },
    revocations: {
      total: 2,
      observed: 1,
      not_observed: 1,
      median_seconds_to_effect: 1.5,
      max_seconds_to_effect: 1.5,
      items: [
        { id: 'r1', kind: 'client_id', value: HOSTILE, reason: HOSTILE, actor: 'ops', revoked_at: '2026-01-02T00:00:00.000Z', first_denial_at: '2026-01-02T00:00:01.500Z', seconds_to_effect: 1.5 },
        { id: 'r2', kind: 'anchor', value: 'a', reason: 'r', actor: 'ops', revoked_at: '2026-01-03T00:00:00.000Z', first_denial_at: null, seconds_to_effect: null },
      ],
      truncated: false,
    },
    denials_by_reason: { denials: 1, reasons: [{ code: HOSTILE, registrations: 0, access_checks: 1, total: 1 }], truncated: false },
  },
  mappings: FIGURE_MAPPINGS,
};

describe('the HTML evidence report', () => {
  const html = renderReportHtml(report);

  it('escapes every character that could end a text or an attribute', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
    expect(escapeHtml('plain text: ok')).toBe('plain text: ok');
  });

  it('never lets a value from an event become markup', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*\b(src|href|onerror)=/);
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#39;&#38;');
  });

  it('is self-contained: no script, no external asset, a CSP that allows only its inline style', () => {
    expect(html).not.toMatch(/<script|<link|<img|url\(|@import/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;`);
  });

  it('shows each figure with what it evidences and the items it maps to', () => {
    expect(html).toContain('<strong>75.0 %</strong> of 4 admissions');
    expect(html).toContain('not observed');
    expect(html).toContain('1.500 s');
    for (const id of ['PR.AA-01', 'NHI1:2025', 'NHI4:2025', 'T3', 'T9']) expect(html).toContain(`<strong>${id}</strong>`);
    expect(html.match(/<section id=/g)).toHaveLength(5);
  });
});
