import { EvidenceReport } from './evidence-report';
import { FigureName } from './frameworks';

/** What the page allows itself: its own inline style, nothing else (no script, image, font or fetch). */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** HTML text or attribute: every value that came from an event goes through this. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const REPORT_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.evidence{background:#f6f8fa;padding:.6rem .8rem;border-left:3px solid #57606a}
.maps{font-size:.9rem;color:#444}code{font-size:.9em;word-break:break-all}figure.chart{margin:.8rem 0}figure.chart svg{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#57606a}`;

/** Server-made SVG charts to put in the page, by the figure each draws (see report-charts.ts). */
export type ReportChartsHtml = Partial<Record<'over_time' | 'admissions_by_source' | 'revocations' | 'denials_by_reason', string>>;

const TITLES: Record<FigureName, string> = {
  admissions_by_source: '1. Admissions by source',
  metadata_backing: '2. Admissions backed by signed or fetched metadata',
  revalidation: '3. Revalidation',
  revocations: '4. Revocations and the time until they took effect',
  denials_by_reason: '5. Denials by reason',
};

type Cell = string | number | null;

function table(head: string[], rows: Cell[][]): string {
  const cell = (v: Cell) => (typeof v === 'number' ? `<td class="n">${escapeHtml(v)}</td>` : `<td>${v === null ? '—' : escapeHtml(v)}</td>`);
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const percent = (share: number | null) => (share === null ? 'no admissions' : `${(share * 100).toFixed(1)} %`);
const seconds = (s: number | null) => (s === null ? 'not observed' : `${s.toFixed(3)} s`);

function section(report: EvidenceReport, figure: FigureName, body: string, chart = ''): string {
  const m = report.mappings[figure];
  const items = m.items.map((i) => `<li>${escapeHtml(i.framework)} <strong>${escapeHtml(i.id)}</strong> ${escapeHtml(i.title)}</li>`).join('');
  return `<section id="${figure}"><h2>${escapeHtml(TITLES[figure])}</h2>${chart}${body}<p class="evidence">${escapeHtml(m.evidences)}</p><ul class="maps">${items}</ul></section>`;
}

/**
 * The report as one self-contained page: inline style, no script, no external asset; every value
 * escaped. With `charts` (trusted SVG made by reportCharts), each chart goes above its figure's table.
 */
export function renderReportHtml(report: EvidenceReport, charts: ReportChartsHtml = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Admit evidence report ${escapeHtml(report.window.from)} – ${escapeHtml(report.window.to)}</title>
<style>${REPORT_STYLE}</style></head>
<body>${reportBodyHtml(report, charts)}
</body></html>
`;
}

/** The report's content, for a page of its own or inside the console. */
export function reportBodyHtml(report: EvidenceReport, charts: ReportChartsHtml = {}): string {
  const f = report.figures;
  const a = f.admissions_by_source;
  const b = f.metadata_backing;
  const { access_checks: c, readmissions: r } = f.revalidation;
  const v = f.revocations;
  const d = f.denials_by_reason;
  const sections = [
    section(
      report,
      'admissions_by_source',
      `<p>${escapeHtml(a.admissions)} admissions of ${escapeHtml(a.clients)} distinct clients.</p>` +
        table(['source', 'admissions'], [['cimd (client ID metadata document)', a.by_source.cimd], ['software_statement (trust anchor)', a.by_source.software_statement], ['federation (OpenID Federation trust chain)', a.by_source.federation], ['spiffe (SPIFFE JWT-SVID)', a.by_source.spiffe], ['client_attestation (an attester\'s client attestation)', a.by_source.client_attestation], ['self_asserted', a.by_source.self_asserted], ['unknown (before contracts 1.1.0)', a.by_source.unknown]]),
      (charts.over_time ?? '') + (charts.admissions_by_source ?? ''),
    ),
    section(
      report,
      'metadata_backing',
      `<p><strong>${escapeHtml(percent(b.share))}</strong> of ${escapeHtml(b.admissions)} admissions were backed by stored evidence.</p>` +
        table(['evidence', 'admissions'], [['signed (verified statement digest)', b.signed], ['fetched (document URL and digest)', b.fetched], ['signed or fetched', b.backed], ['neither', b.admissions - b.backed]]),
    ),
    section(
      report,
      'revalidation',
      table(['access checks', 'count'], [['total', c.total], ['decided locally (fresh admission)', c.local], ['after admitting the client again (pipeline)', c.pipeline], ['allowed', c.allow], ['denied', c.deny], ['distinct clients checked', c.clients]]) +
        table(['admissions per client', 'count'], [['clients admitted', r.clients], ['admissions', r.admissions], ['clients admitted more than once', r.clients_admitted_again], ['re-admissions', r.readmissions], ['most admissions of one client', r.max_admissions_per_client]]),
    ),
    section(
      report,
      'revocations',
      `<p>${escapeHtml(v.total)} revocations; the effect was observed for ${escapeHtml(v.observed)} (median ${escapeHtml(seconds(v.median_seconds_to_effect))}, at most ${escapeHtml(seconds(v.max_seconds_to_effect))}), not observed for ${escapeHtml(v.not_observed)}.</p>` +
        table(
          ['revoked at', 'subject', 'reason', 'by', 'first denial', 'time to effect'],
          v.items.map((i) => [i.revoked_at, `${i.kind}: ${i.value}`, i.reason, i.actor, i.first_denial_at, seconds(i.seconds_to_effect)]),
        ) +
        (v.truncated ? `<p>Only the first ${escapeHtml(v.items.length)} are listed; the counts cover all.</p>` : ''),
      charts.revocations,
    ),
    section(
      report,
      'denials_by_reason',
      `<p>${escapeHtml(d.denials)} denials.</p>` +
        table(['reason code', 'registrations', 'access checks', 'total'], d.reasons.map((x) => [x.code, x.registrations, x.access_checks, x.total])) +
        (d.truncated ? `<p>Only the ${escapeHtml(d.reasons.length)} most frequent codes are listed.</p>` : ''),
      charts.denials_by_reason,
    ),
  ];
  return `<h1>Admit evidence report</h1>
<p>Window: from <code>${escapeHtml(report.window.from)}</code> (inclusive) to <code>${escapeHtml(report.window.to)}</code> (exclusive). Generated <code>${escapeHtml(report.generated_at)}</code>.</p>
<p>Every figure is computed from the stored events of the audit trail (<code>audit_events</code>), which is append-only and hash-chained: run <code>admit audit verify</code> to check it was not changed, and <code>admit audit query</code> over the same window to see the events behind a figure. The mappings say what each figure is evidence for; they are not a claim of conformance.</p>
${sections.join('\n')}`;
}
