import { Controller, Get, Inject, OnModuleInit, Optional, Param, Post, Query, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Publisher } from '@admit/bus';
import { ALL_TOPICS, AuditEventsQuery, AuditIncidentsQuery, AuditTimelineQuery, HttpError, parsedUrl, RequestError, REVOCATION_KINDS, RevocationKind } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { AdminScope, AdminTokens } from '@admit/platform';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, AuditOptions } from '../audit-options';
import { isQueryError } from '../audit-error';
import { CHECKPOINT_KEYS } from '../checkpoint/checkpoint-keys';
import { AuditQueries } from '../query/audit-queries';
import { recordAuditRead } from '../query/audit-read';
import { AuditEventView } from '../query/event-view';
import { checkedQuery, filtersAndPage, reportWindow } from '../query/query-params';
import { reportCharts } from '../report/report-charts';
import { REPORT_CSP, renderReportHtml, reportBodyHtml } from '../report/report-html';
import { reportWithSeries } from '../report/report-series';
import { SqlQuery, sqlOf } from '../sql-query';
import { verifyChains, VerifyOptions } from '../verify/verify-chains';
import { VerifyReport } from '../verify/verify-report';
import { CONSOLE_HEADERS, escapeHtml, field, link, page, query, select, table } from './console-html';
import { ConsoleSession, ConsoleSessions, cookieOf, SESSION_COOKIE, sessionCookie } from './console-session';
import { VerifyJob, VerifyJobs } from './verify-jobs';

const PAGE_SIZE = 50;
const EXPORT_MAX = 100_000;
const FORM_BYTES = 16 * 1024;

type Form = Record<string, string>;

/**
 * The auditor console under /console: server-rendered pages, no script, a strict CSP. Signing in
 * posts an `audit:read` token once and gets a signed, stateless session cookie (console-session.ts);
 * every page then reads through the same queries, report and verification as the API, and each read
 * is recorded as an `audit.read` admin action like an API read. Every POST must come from the
 * console's own origin (`Origin`), on top of the SameSite=Strict cookie.
 */
@Controller('console')
export class ConsoleController implements OnModuleInit {
  private readonly sql: SqlQuery;
  private readonly queries: AuditQueries;
  private readonly sessions?: ConsoleSessions;
  private readonly jobs: VerifyJobs;

  constructor(
    @Inject(DataSource) db: DataSource,
    @Inject(Publisher) private readonly publisher: Publisher,
    @Inject(AdminTokens) private readonly tokens: AdminTokens,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(CHECKPOINT_KEYS) private readonly keys?: SigningKeys,
    @Optional() @Inject(AUDIT_OPTIONS) private readonly options?: AuditOptions,
  ) {
    this.sql = sqlOf(db);
    this.queries = new AuditQueries(this.sql);
    if (options?.consoleSessionKey) this.sessions = new ConsoleSessions(options.consoleSessionKey);
    this.jobs = new VerifyJobs(this.sql, () => this.verifyOptions());
  }

  /** HTML forms post application/x-www-form-urlencoded: accepted under /console only, every other route keeps JSON alone. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
    fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BYTES }, (req, body, done) => {
      if (!req.url.startsWith('/console/')) return done(new RequestError(HttpError.UnsupportedMediaType, 'the request body must be application/json'), undefined);
      const form: Form = {};
      for (const [k, v] of new URLSearchParams(body as string)) form[k] = v;
      done(null, form);
    });
  }

  @Get()
  home(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply.code(303).header('location', this.session(req) ? '/console/events' : '/console/sign-in').send();
  }

  @Get('sign-in')
  signInPage(@Res() reply: FastifyReply): void {
    this.html(reply, 200, this.signInHtml());
  }

  @Post('sign-in')
  signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.sessions) return this.html(reply, 503, this.signInHtml());
    if (!this.sameOrigin(req)) return this.forbidden(reply);
    const token = formOf(req).token ?? '';
    const principal = token.length > 0 && token.length <= 4096 ? this.tokens.authenticate(token.trim()) : undefined;
    if (!principal || !principal.scopes.includes(AdminScope.AuditRead)) {
      return this.html(reply, 401, this.signInHtml('That is not an admin token with the audit:read scope.'));
    }
    const { value, maxAgeS } = this.sessions.issue(principal);
    void reply.code(303).header('set-cookie', sessionCookie(value, maxAgeS, String(req.headers.origin).startsWith('https:'))).header('location', '/console/events').send();
  }

  @Post('sign-out')
  signOut(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.sameOrigin(req)) return this.forbidden(reply);
    void reply.code(303).header('set-cookie', sessionCookie('', 0, String(req.headers.origin).startsWith('https:'))).header('location', '/console/sign-in').send();
  }

  @Get('events')
  async events(@Req() req: FastifyRequest, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const raw = given(input);
    const form = `<form class="filters" method="get" action="/console/events" id="event-filters">
${select('type', 'type', raw.type, [...ALL_TOPICS])}${field('client_id', 'client', raw.client_id)}${select('decision', 'decision', raw.decision, ['allow', 'deny'])}
${field('anchor', 'anchor', raw.anchor)}${field('origin', 'origin', raw.origin)}${field('jkt', 'key thumbprint', raw.jkt)}${field('policy_version', 'policy version', raw.policy_version)}
${field('from', 'from (inclusive)', raw.from, '2026-01-31T00:00:00Z')}${field('to', 'to (exclusive)', raw.to, '2026-02-01T00:00:00Z')}<button type="submit" id="apply-filters">Filter</button></form>`;
    const parsed = this.parsed(reply, session, 'Events', form, () => filtersAndPage(checkedQuery(AuditEventsQuery, { ...raw, limit: String(PAGE_SIZE) })));
    if (!parsed) return;
    await this.audited(session, '/console/events', { ...parsed.filters, cursor: parsed.page.cursor !== undefined });
    const result = await this.queries.events(parsed.filters, parsed.page);
    const { cursor: _cursor, ...filters } = raw;
    const next = result.next_cursor ? `<p><a id="next-page" href="/console/events${query({ ...filters, cursor: result.next_cursor })}">Next ${PAGE_SIZE} →</a></p>` : '<p class="note">End of the results.</p>';
    const exports = `<p>Export this filter (every page): <a id="export-jsonl" href="/console/events/export${query({ ...filters, format: 'jsonl' })}">JSONL</a> · <a id="export-csv" href="/console/events/export${query({ ...filters, format: 'csv' })}">CSV</a></p>`;
    this.html(reply, 200, page('Events', form + exports + eventsTable(result.events, 'events') + next, { actor: session.name }));
  }

  /** The current filter's events, every page (at most 100,000), as JSON lines or CSV, streamed. */
  @Get('events/export')
  async exportEvents(@Req() req: FastifyRequest, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const { format, cursor: _cursor, ...raw } = given(input);
    if (format !== 'jsonl' && format !== 'csv') return this.html(reply, 400, page('Export', '<p class="error">format must be jsonl or csv</p>', { actor: session.name }));
    const parsed = this.parsed(reply, session, 'Export', '', () => filtersAndPage(checkedQuery(AuditEventsQuery, raw)));
    if (!parsed) return;
    const { filters } = parsed;
    await this.audited(session, '/console/events/export', { ...filters, format });
    const queries = this.queries;
    async function* lines(): AsyncGenerator<string> {
      if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
      let cursor: string | undefined;
      let sent = 0;
      do {
        const pageOf = await queries.events(filters, { limit: 1_000, cursor });
        for (const e of pageOf.events) yield format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`;
        sent += pageOf.events.length;
        cursor = pageOf.next_cursor ?? undefined;
      } while (cursor && sent < EXPORT_MAX);
    }
    void reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="admit-events.${format}"`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  }

  @Get('clients/:client_id')
  async timeline(@Req() req: FastifyRequest, @Param('client_id') clientId: string, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const title = `Client ${clientId}`;
    const parsed = this.parsed(reply, session, title, '', () => filtersAndPage(checkedQuery(AuditTimelineQuery, { ...given(input), limit: String(PAGE_SIZE) })));
    if (!parsed) return;
    await this.audited(session, `/console/clients/${clientId}`, { ...parsed.filters, cursor: parsed.page.cursor !== undefined });
    const t = await this.queries.timeline(clientId, parsed.filters, parsed.page);
    const state = t.revoked ? '<p id="revocation-state" class="bad">Revoked now.</p>' : '<p id="revocation-state" class="ok">Not revoked now.</p>';
    const revocations = t.revocations.length
      ? table(['kind', 'value', 'reason', 'by', 'revoked at', 'status', 'ended'], t.revocations.map((r) => [r.kind, r.value, r.reason, r.actor, r.created_at, r.status, r.ended_at ?? null]), 'revocations')
      : '<p class="note">No revocation names this client, its anchor, software, origin or keys.</p>';
    const next = t.next_cursor ? `<p><a id="next-page" href="/console/clients/${encodeURIComponent(clientId)}${query({ ...parsed.filters, cursor: t.next_cursor })}">Next ${PAGE_SIZE} →</a></p>` : '';
    this.html(reply, 200, page(title, `${state}<h2>Revocations</h2>${revocations}<h2>Events</h2>${eventsTable(t.events, 'timeline')}${next}`, { actor: session.name }));
  }

  @Get('incidents')
  async incidents(@Req() req: FastifyRequest, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const raw = given(input);
    const kind = raw.kind as 'anchor' | 'origin' | 'jkt' | undefined;
    const form = `<form class="filters" method="get" action="/console/incidents" id="incident-filters">
<label>admitted under<select name="kind" id="f-kind">${['anchor', 'origin', 'jkt'].map((k) => `<option${k === kind ? ' selected' : ''}>${k}</option>`).join('')}</select></label>
${field('value', 'value', raw.value)}${field('from', 'from (inclusive)', raw.from, '2026-01-31T00:00:00Z')}${field('to', 'to (exclusive)', raw.to)}<button type="submit" id="find-incident">Find</button></form>`;
    if (!raw.value) {
      const revokeAny = `<h2>Revoke by any kind</h2>${anyRevocationForm('/console/incidents')}`;
      return this.html(reply, 200, page('Incidents', `${form}<p class="note">Everything admitted under an anchor, an origin or a key, in a window.</p>${revokeAny}`, { actor: session.name }));
    }
    if (kind !== 'anchor' && kind !== 'origin' && kind !== 'jkt') return this.html(reply, 400, page('Incidents', `${form}<p class="error">kind must be anchor, origin or jkt</p>`, { actor: session.name }));
    const parsed = this.parsed(reply, session, 'Incidents', form, () => filtersAndPage(checkedQuery(AuditIncidentsQuery, { [kind]: raw.value, from: raw.from, to: raw.to, cursor: raw.cursor, limit: String(PAGE_SIZE) })));
    if (!parsed) return;
    await this.audited(session, '/console/incidents', { ...parsed.filters, cursor: parsed.page.cursor !== undefined });
    const value = parsed.filters[kind] ?? raw.value;
    const incident = await this.queries.incident({ kind, value }, parsed.filters, parsed.page);
    const back = `/console/incidents${query({ kind, value: raw.value, from: raw.from, to: raw.to })}`;
    const rows = incident.clients.map((c) => [
      link(`/console/clients/${encodeURIComponent(c.client_id)}`, c.client_id),
      c.admissions,
      c.first_admitted_at,
      c.last_admitted_at,
      c.later_access_checks,
      c.revoked ? { html: '<span class="bad">revoked</span>' } : { html: '<span class="ok">in force</span>' },
      { html: c.revoked ? '' : revokeForm('client_id', c.client_id, back) },
    ]);
    const subject = `<h2>Revoke the ${escapeHtml(kind)} itself</h2>${revokeForm(kind, value, back)}`;
    const next = incident.next_cursor ? `<p><a id="next-page" href="${escapeHtml(`${back}${back.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(incident.next_cursor)}`)}">Next ${PAGE_SIZE} →</a></p>` : '';
    const body = `${form}<p>${incident.clients.length} client(s) admitted under ${escapeHtml(kind)} <code>${escapeHtml(raw.value)}</code>.</p>` +
      table(['client', 'admissions', 'first admitted', 'last admitted', 'later access checks', 'state', 'revoke (needs a revocations:write token)'], rows, 'incident') + next + subject;
    this.html(reply, 200, page('Incidents', body, { actor: session.name }));
  }

  /** Forwards a revocation to the revocation service (embedded: this same server) with the posted revocations:write token. */
  @Post('revocations')
  async revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    if (!this.sameOrigin(req)) return this.forbidden(reply);
    const { kind = '', value = '', reason = '', token = '', back = '' } = formOf(req);
    const backLink = back.startsWith('/console/') ? `<p><a id="back" href="${escapeHtml(back)}">Back</a></p>` : '';
    const fail = (status: number, message: string) => this.html(reply, status, page('Revocation', `<p class="error" id="revocation-result">${escapeHtml(message)}</p>${backLink}`, { actor: session.name }));
    if (!REVOCATION_KINDS.includes(kind as RevocationKind) || value.length === 0) return fail(400, 'give a kind and a value to revoke');
    const base = this.revocationBase(req);
    if (!base) return fail(503, 'revocation is not configured for this console (ADMIT_REVOCATION_URL)');
    const res = await fetch(`${base}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` },
      body: JSON.stringify({ kind, value, reason }),
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    if (!res) return fail(502, 'the revocation service cannot be reached; nothing was revoked');
    // An error is an RFC 9457 problem: its code and detail.
    const answer = (await res.json().catch(() => ({}))) as { id?: string; code?: string; detail?: string };
    if (res.status !== 201) return fail(res.status === 401 || res.status === 403 ? 403 : res.status >= 500 ? 502 : 400, `not revoked: ${answer.code ?? res.status}${answer.detail ? `: ${answer.detail}` : ''}`);
    this.html(reply, 201, page('Revocation', `<p class="done" id="revocation-result">Revoked ${escapeHtml(kind)} <code>${escapeHtml(value)}</code> (revocation ${escapeHtml(answer.id ?? '')}).</p>${backLink}`, { actor: session.name }));
  }

  @Get('integrity')
  async integrity(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    await this.audited(session, '/console/integrity', {});
    this.html(reply, 200, page('Integrity', await this.integrityHtml(), { actor: session.name }));
  }

  /** Verification from the latest checkpoint: the links since it, and every checkpoint. */
  @Get('integrity/verify')
  async verifyQuick(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    await this.audited(session, '/console/integrity/verify', { from: 'latest-checkpoint' });
    const report = await verifyChains(this.sql, { ...this.verifyOptions(), from: 'latest-checkpoint' });
    const from = report.from_checkpoint ? `from checkpoint ${escapeHtml(report.from_checkpoint)}` : 'from the start (no checkpoint yet)';
    this.html(reply, 200, page('Integrity', `<h2>Verified ${from}</h2>${verifyHtml(report)}${await this.integrityHtml()}`, { actor: session.name }));
  }

  @Post('integrity/jobs')
  async startJob(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    if (!this.sameOrigin(req)) return this.forbidden(reply);
    await this.audited(session, '/console/integrity/jobs', { from: 'genesis' });
    const job = this.jobs.start(session.name);
    void reply.code(303).header('location', `/console/integrity/jobs/${job.id}`).send();
  }

  @Get('integrity/jobs/:id')
  async job(@Req() req: FastifyRequest, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const job = this.jobs.get(id);
    if (!job) return this.html(reply, 404, page('Full verification', '<p class="error">This instance runs no such verification (jobs live in the instance that runs them); start one again.</p><p><a href="/console/integrity">Integrity</a></p>', { actor: session.name }));
    this.html(reply, 200, page('Full verification', jobHtml(job), { actor: session.name, refreshS: job.finished_at ? undefined : 1 }));
  }

  @Get('report')
  async report(@Req() req: FastifyRequest, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const raw = { ...defaultWindow(), ...given(input) };
    const form = `<form class="filters" method="get" action="/console/report" id="report-window">${field('from', 'from (inclusive)', raw.from)}${field('to', 'to (exclusive)', raw.to)}<button type="submit" id="show-report">Show</button></form>`;
    const window = this.parsed(reply, session, 'Evidence report', form, () => reportWindow(raw));
    if (!window) return;
    await this.audited(session, '/console/report', { ...window });
    const { report, series } = await reportWithSeries(this.sql, window);
    const charts = reportCharts(report, series);
    const download = `<p><a id="download-report" href="/console/report/download${query(window)}">Download this report (HTML, no script)</a></p>`;
    this.html(reply, 200, page('Evidence report', form + download + reportBodyHtml(report, charts), { actor: session.name, report: true }));
  }

  @Get('report/download')
  async download(@Req() req: FastifyRequest, @Query() input: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(req);
    if (!session) return this.toSignIn(reply);
    const window = this.parsed(reply, session, 'Evidence report', '', () => reportWindow(given(input)));
    if (!window) return;
    await this.audited(session, '/console/report/download', { ...window, format: 'html' });
    const { report, series } = await reportWithSeries(this.sql, window);
    const html = renderReportHtml(report, reportCharts(report, series));
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', REPORT_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="admit-evidence-report-${window.from.slice(0, 10)}-${window.to.slice(0, 10)}.html"`)
      .send(html);
  }

  private session(req: FastifyRequest): ConsoleSession | undefined {
    const s = this.sessions?.read(cookieOf(req.headers.cookie, SESSION_COOKIE));
    return s && s.scopes.includes(AdminScope.AuditRead) ? s : undefined;
  }

  /** CSRF: a POST must name this server as its origin (browsers always send Origin on a POST). */
  private sameOrigin(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || typeof req.headers.host !== 'string') return false;
    const url = parsedUrl(origin);
    return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.host.toLowerCase();
  }

  private revocationBase(req: FastifyRequest): string | undefined {
    const target = this.options?.revocationUrl;
    if (target !== 'self') return target?.replace(/\/+$/, '');
    const { localAddress, localPort } = req.socket;
    if (!localAddress || !localPort) return undefined;
    const host = localAddress.startsWith('::ffff:') ? localAddress.slice(7) : localAddress;
    return `http://${host.includes(':') ? `[${host}]` : host}:${localPort}`;
  }

  private verifyOptions(): VerifyOptions {
    return { jwks: this.keys?.publicJwks(), maxAgeS: this.options?.checkpointMaxAgeS || undefined };
  }

  private audited(session: ConsoleSession, target: string, details: Record<string, unknown>): Promise<void> {
    return recordAuditRead(this.publisher, session.name, target, { ...details, via: 'console' });
  }

  private async integrityHtml(): Promise<string> {
    const [latest] = await this.sql<{ seq: string; created_at: Date; kid: string; heads: unknown[]; jws: string }>(
      `SELECT seq::text AS seq, created_at, kid, heads, jws FROM audit_checkpoints c ORDER BY c.seq DESC LIMIT 1`,
    );
    const checkpoint = latest
      ? `<div id="latest-checkpoint">${table(['checkpoint', 'signed at', 'key', 'chains'], [[latest.seq, latest.created_at.toISOString(), latest.kid, latest.heads.length]])}<details><summary>Signed JWS</summary><code>${escapeHtml(latest.jws)}</code></details></div>`
      : '<p id="latest-checkpoint" class="note">No checkpoint has been signed yet.</p>';
    return `<h2>Latest signed checkpoint</h2>${checkpoint}
<h2>Verify</h2><p><a id="verify-quick" href="/console/integrity/verify">Verify from the latest checkpoint</a> (the links since it, and every checkpoint's signature and heads).</p>
<form method="post" action="/console/integrity/jobs"><button type="submit" id="verify-full">Run a full verification</button> <span class="note">every chain from its first link, in the background</span></form>`;
  }

  private signInHtml(error?: string): string {
    if (!this.sessions) return page('Sign in', '<p class="error">The console is not configured: set ADMIT_CONSOLE_SESSION_KEY_FILE (docs/console.md).</p>');
    return page(
      'Sign in',
      `${error ? `<p class="error" id="sign-in-error">${escapeHtml(error)}</p>` : ''}<form method="post" action="/console/sign-in" id="sign-in">
<label>Admin token with the audit:read scope<input type="password" name="token" id="token" autocomplete="off" required></label>
<p><button type="submit" id="sign-in-button">Sign in</button></p></form><p class="note">The session lasts 15 minutes.</p>`,
    );
  }

  private html(reply: FastifyReply, status: number, body: string): void {
    void reply.code(status).headers(CONSOLE_HEADERS).send(body);
  }

  private toSignIn(reply: FastifyReply): void {
    void reply.code(303).header('location', '/console/sign-in').send();
  }

  private forbidden(reply: FastifyReply): void {
    this.html(reply, 403, page('Refused', '<p class="error">This request did not come from the console\'s own pages (Origin), so it was refused.</p>'));
  }

  /** What `parse` returns; undefined once a refused query has been answered 400 on the page `title`. */
  private parsed<T>(reply: FastifyReply, session: ConsoleSession, title: string, form: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (err) {
      if (!isQueryError(err)) throw err;
      this.html(reply, 400, page(title, `${form}<p class="error" id="query-error">${escapeHtml(err.message)}</p>`, { actor: session.name }));
      return undefined;
    }
  }
}

/** The query string without empty fields (an empty form field means "any"), each parameter once. */
function given(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
    else if (Array.isArray(v)) throw new RequestError('invalid_request', `${k.slice(0, 64)} may be given once`);
  }
  return out;
}

function formOf(req: FastifyRequest): Form {
  const body = req.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Form) : {};
}

/** The last 7 days, to the next full hour. */
function defaultWindow(): { from: string; to: string } {
  const to = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  return { from: new Date(to - 7 * 86_400_000).toISOString(), to: new Date(to).toISOString() };
}

function codesOf(data: unknown): string | null {
  const reasons = (data as { reasons?: unknown })?.reasons;
  return Array.isArray(reasons) && reasons.length ? reasons.map((r) => String((r as { code?: unknown })?.code)).join(', ') : null;
}

function eventsTable(events: AuditEventView[], id: string): string {
  if (events.length === 0) return `<p class="note" id="${id}">No events.</p>`;
  return table(
    ['seq', 'time', 'type', 'client', 'decision', 'policy version', 'anchor / origin', 'reasons'],
    events.map((e) => {
      const d = (e.data ?? {}) as Record<string, unknown> & { admission?: Record<string, unknown> };
      const client = typeof d.client_id === 'string' ? link(`/console/clients/${encodeURIComponent(d.client_id)}`, d.client_id) : null;
      const where = (d.admission?.anchor ?? d.anchor ?? d.admission?.origin ?? d.origin ?? null) as string | null;
      const policy = typeof d.policy_version === 'string' ? `${d.policy_version.slice(0, 19)}…` : null;
      return [e.seq, e.time, e.type.replace(/^admit\./, ''), client, (d.decision as string | undefined) ?? null, policy, where, codesOf(d)];
    }),
    id,
  );
}

function revokeForm(kind: string, value: string, back: string): string {
  return revocationForm(`<input type="hidden" name="kind" value="${escapeHtml(kind)}"><input type="hidden" name="value" value="${escapeHtml(value)}">`, back);
}

/** A revocation of any kind the contract defines (client_id … trust_domain, spiffe_prefix, attester): the kind chosen, the value typed. */
function anyRevocationForm(back: string): string {
  const kinds = REVOCATION_KINDS.map((k) => `<option>${k}</option>`).join('');
  return revocationForm(`<label>kind<select name="kind" id="f-revoke-kind">${kinds}</select></label> <input name="value" id="f-revoke-value" placeholder="value" required aria-label="value"> `, back, 'revoke-any');
}

function revocationForm(subject: string, back: string, id?: string): string {
  return `<form method="post" action="/console/revocations" class="revoke"${id ? ` id="${id}"` : ''}>${subject}<input type="hidden" name="back" value="${escapeHtml(back)}">
<input name="reason" placeholder="reason" required aria-label="reason"> <input type="password" name="token" placeholder="revocations:write token" autocomplete="off" required aria-label="revocations:write token"> <button type="submit">Revoke</button></form>`;
}

function verifyHtml(report: VerifyReport): string {
  const verdict = report.ok ? '<p id="verify-result" class="ok">Intact: every link recomputed, every checkpoint holds.</p>' : '<p id="verify-result" class="bad">Not intact.</p>';
  const breaks = report.breaks.length
    ? `<h3>Broken links</h3>${table(['topic', 'partition', 'position', 'event seq', 'event id', 'reason', 'what'], report.breaks.map((b) => [b.topic, b.partition, b.position, b.event_seq, b.event_id, b.reason, b.description]), 'breaks')}`
    : '';
  const problems = report.checkpoints.problems.length
    ? `<h3>Checkpoint problems</h3>${table(['checkpoint', 'code', 'what'], report.checkpoints.problems.map((p) => [p.seq, p.code, p.description]), 'checkpoint-problems')}`
    : '';
  const unchained = report.unchained.count ? `<p class="bad">${report.unchained.count} event(s) no link covers, the first at seq ${escapeHtml(report.unchained.first_seq)}.</p>` : '';
  return `${verdict}<p>${report.links_checked} link(s) recomputed over ${report.chains.length} chain(s); ${report.checkpoints.count} checkpoint(s)${report.checkpoints.signatures_checked ? ', signatures checked' : ''}.</p>${breaks}${problems}${unchained}`;
}

function jobHtml(job: VerifyJob): string {
  const p = job.progress;
  const head = `<p>Started ${escapeHtml(job.started_at)} by ${escapeHtml(job.actor)}.</p>`;
  if (!job.finished_at) {
    return `${head}<p id="job-state">Running: ${p.chains_done} of ${p.chains_total || '?'} chains, ${p.links_checked} links recomputed.</p><progress max="${Math.max(1, p.chains_total)}" value="${p.chains_done}"></progress><p class="note">This page refreshes itself every second.</p>`;
  }
  if (job.error || !job.report) return `${head}<p id="job-state" class="error">The verification could not run to its end: ${escapeHtml(job.error ?? 'no report')}</p>`;
  return `${head}<p id="job-state">Finished ${escapeHtml(job.finished_at)}.</p>${verifyHtml(job.report)}<p><a href="/console/integrity">Integrity</a></p>`;
}

const CSV_COLUMNS = ['seq', 'time', 'type', 'client_id', 'decision', 'policy_version', 'correlationid', 'id', 'data'];

/** One CSV line (RFC 4180 quoting); a cell a spreadsheet would run as a formula is prefixed with '. */
function csvRow(e: AuditEventView): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const cells = [e.seq, e.time, e.type, d.client_id ?? '', d.decision ?? '', d.policy_version ?? '', e.correlationid, e.id, JSON.stringify(e.data)];
  return `${cells
    .map((c) => {
      const s = typeof c === 'string' ? c : String(c);
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      return `"${safe.replace(/"/g, '""')}"`;
    })
    .join(',')}\n`;
}
