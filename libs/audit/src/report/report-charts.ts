import { EvidenceReport } from './evidence-report';
import { escapeHtml } from './report-html';
import { ReportSeries } from './report-series';

/**
 * The report's charts as inline SVG made on the server: no script, no external asset, colours as
 * presentation attributes (no style attribute, so a strict style-src holds), every label escaped.
 * Each chart has a <title> and an aria-label, and the tables beside it hold the same figures.
 */
const W = 640;
const BAR_H = 22;
const ADMIT = '#1f883d';
const DENY = '#cf222e';
const INK = '#1b1f24';
const GRID = '#d0d7de';

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function svg(id: string, title: string, height: number, body: string): string {
  return `<figure class="chart"><svg id="${escapeHtml(id)}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" font-family="system-ui,sans-serif" font-size="12"><title>${escapeHtml(title)}</title>${body}</svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}

/** Horizontal bars, one per label, scaled to the largest value. */
export function barChart(id: string, title: string, bars: { label: string; value: number; colour?: string; note?: string }[]): string {
  if (bars.length === 0) return svg(id, title, 30, `<text x="0" y="20" fill="${INK}">nothing in this window</text>`);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const left = 220;
  const span = W - left - 80;
  const body = bars
    .map((b, i) => {
      const y = i * (BAR_H + 6) + 4;
      const width = Math.max(b.value > 0 ? 1 : 0, Math.round((b.value / max) * span));
      const label = b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label;
      return `<g class="bar"><text x="${left - 8}" y="${y + 15}" text-anchor="end" fill="${INK}">${escapeHtml(label)}</text>` +
        `<rect x="${left}" y="${y}" width="${width}" height="${BAR_H}" fill="${b.colour ?? ADMIT}"><title>${escapeHtml(`${b.label}: ${b.note ?? num(b.value)}`)}</title></rect>` +
        `<text x="${left + width + 6}" y="${y + 15}" fill="${INK}">${escapeHtml(b.note ?? num(b.value))}</text></g>`;
    })
    .join('');
  return svg(id, title, bars.length * (BAR_H + 6) + 8, body);
}

/** Admissions and denials per bucket, as paired columns over time. */
export function seriesChart(id: string, title: string, series: ReportSeries): string {
  const height = 220;
  const top = 16;
  const bottom = 40;
  const left = 44;
  const plot = height - top - bottom;
  const n = Math.max(1, series.points.length);
  const slot = (W - left - 8) / n;
  const max = Math.max(1, ...series.points.map((p) => Math.max(p.admissions, p.denials)));
  const y = (v: number) => top + plot - (v / max) * plot;
  const col = (x: number, v: number, colour: string, what: string, start: string) =>
    v === 0 ? '' : `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, slot / 2 - 1).toFixed(1)}" height="${(top + plot - y(v)).toFixed(1)}" fill="${colour}"><title>${escapeHtml(`${start}: ${num(v)} ${what}`)}</title></rect>`;
  const every = Math.ceil(n / 8);
  const label = (start: string) => (series.bucket === 'hour' ? start.slice(5, 16).replace('T', ' ') : start.slice(0, 10));
  const body =
    `<line x1="${left}" y1="${top + plot}" x2="${W}" y2="${top + plot}" stroke="${GRID}"/>` +
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end" fill="${INK}">${num(max)}</text><text x="${left - 6}" y="${top + plot}" text-anchor="end" fill="${INK}">0</text>` +
    series.points
      .map((p, i) => {
        const x = left + i * slot;
        const tick = i % every === 0 ? `<text x="${x.toFixed(1)}" y="${top + plot + 16}" fill="${INK}">${escapeHtml(label(p.start))}</text>` : '';
        return col(x, p.admissions, ADMIT, 'admissions', p.start) + col(x + slot / 2, p.denials, DENY, 'denials', p.start) + tick;
      })
      .join('') +
    `<rect x="${left}" y="${height - 14}" width="10" height="10" fill="${ADMIT}"/><text x="${left + 14}" y="${height - 5}" fill="${INK}">admissions</text>` +
    `<rect x="${left + 110}" y="${height - 14}" width="10" height="10" fill="${DENY}"/><text x="${left + 124}" y="${height - 5}" fill="${INK}">denials (registrations and access checks) per ${series.bucket !== 'week' || series.bucket_seconds === 604_800 ? series.bucket : `${series.bucket_seconds / 604_800} weeks`}</text>`;
  return svg(id, title, height, body);
}

/** The four charts of the report, keyed by the figure each one draws. */
export function reportCharts(report: EvidenceReport, series: ReportSeries): Record<'over_time' | 'admissions_by_source' | 'revocations' | 'denials_by_reason', string> {
  const f = report.figures;
  const s = f.admissions_by_source.by_source;
  return {
    over_time: seriesChart('chart-over-time', 'Admissions and denials over time', series),
    admissions_by_source: barChart('chart-admissions-by-source', 'Admissions by source', [
      { label: 'cimd', value: s.cimd },
      { label: 'software_statement', value: s.software_statement },
      { label: 'federation', value: s.federation },
      { label: 'spiffe', value: s.spiffe },
      { label: 'client_attestation', value: s.client_attestation },
      { label: 'self_asserted', value: s.self_asserted },
      { label: 'unknown', value: s.unknown },
    ]),
    revocations: barChart(
      'chart-revocation-effect',
      'Revocation time to effect (seconds to the first denial)',
      f.revocations.items.map((i) => ({
        label: `${i.kind}: ${i.value}`,
        value: i.seconds_to_effect ?? 0,
        colour: i.seconds_to_effect === null ? GRID : DENY,
        note: i.seconds_to_effect === null ? 'not observed' : `${i.seconds_to_effect.toFixed(3)} s`,
      })),
    ),
    denials_by_reason: barChart('chart-denials-by-reason', 'Denials by reason', f.denials_by_reason.reasons.map((r) => ({ label: r.code, value: r.total, colour: DENY }))),
  };
}
