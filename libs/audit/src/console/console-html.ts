import { createHash } from 'node:crypto';
import { escapeHtml, REPORT_STYLE } from '../report/report-html';

export { escapeHtml };

export const CONSOLE_STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}
header{background:#24292f;color:#fff;padding:.5rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header form{margin-left:auto}main{max-width:72rem;margin:1rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right}form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;background:#f6f8fa;padding:.6rem;border:1px solid #d0d7de}
label{display:flex;flex-direction:column;font-size:.8rem}input,select{font:inherit;padding:.15rem .3rem}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}.note{color:#57606a;font-size:.9rem}
.error{background:#ffebe9;border:1px solid #cf222e;padding:.5rem .8rem}.done{background:#dafbe1;border:1px solid #1a7f37;padding:.5rem .8rem}
code{word-break:break-all;font-size:.88em}progress{width:20rem}`;

const hash = (css: string) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;

/**
 * The console's Content-Security-Policy: nothing from anywhere (no script at all), its two inline
 * style blocks by hash, forms only to itself, never framed.
 */
export const CONSOLE_CSP = `default-src 'none'; style-src ${hash(CONSOLE_STYLE)} ${hash(REPORT_STYLE)}; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export const CONSOLE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer a browser posts `Origin: null`, which the CSRF check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** One console page; `actor` names who is signed in (no header links when nobody is). */
export function page(title: string, body: string, options: { actor?: string; refreshS?: number; report?: boolean } = {}): string {
  const nav = options.actor
    ? `<header><strong>Admit auditor console</strong><a href="/console/events">Events</a><a href="/console/incidents">Incidents</a><a href="/console/integrity">Integrity</a><a href="/console/report">Evidence report</a>
<form method="post" action="/console/sign-out"><span>${escapeHtml(options.actor)}</span> <button type="submit" id="sign-out">Sign out</button></form></header>`
    : '<header><strong>Admit auditor console</strong></header>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshS ? `<meta http-equiv="refresh" content="${options.refreshS}">` : ''}<title>${escapeHtml(title)} · Admit console</title>
<style>${CONSOLE_STYLE}</style>${options.report ? `<style>${REPORT_STYLE}</style>` : ''}</head>
<body>${nav}<main><h1>${escapeHtml(title)}</h1>
${body}</main></body></html>
`;
}

export type Cell = string | number | null | { html: string };

/** A table; plain values are escaped, `{ html }` cells are trusted markup made here. */
export function table(head: string[], rows: Cell[][], id?: string): string {
  const cell = (v: Cell) =>
    v !== null && typeof v === 'object' ? `<td>${v.html}</td>` : typeof v === 'number' ? `<td class="n">${v}</td>` : `<td>${v === null ? '—' : escapeHtml(v)}</td>`;
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

export function link(href: string, text: string): { html: string } {
  return { html: `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` };
}

/** A labelled text input keeping the value the user gave. */
export function field(name: string, label: string, value: string | undefined, placeholder = ''): string {
  return `<label>${escapeHtml(label)}<input name="${name}" id="f-${name}" value="${escapeHtml(value ?? '')}" placeholder="${escapeHtml(placeholder)}"></label>`;
}

export function select(name: string, label: string, value: string | undefined, options: string[]): string {
  return `<label>${escapeHtml(label)}<select name="${name}" id="f-${name}"><option value="">any</option>${options
    .map((o) => `<option${o === value ? ' selected' : ''}>${escapeHtml(o)}</option>`)
    .join('')}</select></label>`;
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
