import { Controller, Get, Inject, Optional, Param, Query, Res, UseGuards } from '@nestjs/common';
import { Publisher } from '@admit/bus';
import { SigningKeys } from '@admit/keys';
import { AuditCheckpointsQuery, AuditEventsQuery, AuditIncidentsQuery, AuditLinksQuery, AuditReportQuery, AuditTimelineQuery } from '@admit/contracts';
import { AdminActor, AdminGuard, AdminScope, RequireScope } from '@admit/platform';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, AuditOptions } from '../audit-options';
import { AuditError, AuditErrorCode } from '../audit-error';
import { CHECKPOINT_KEYS } from '../checkpoint/checkpoint-keys';
import { CheckpointReader, LinkAt, sqlCheckpointReader, StoredCheckpointRow } from '../verify/checkpoint-reader';
import { linkPoints } from './checkpoint-params';
import { buildEvidenceReport } from '../report/build-evidence-report';
import { EvidenceReport } from '../report/evidence-report';
import { REPORT_CSP, renderReportHtml } from '../report/report-html';
import { SqlQuery, sqlOf } from '../sql-query';
import { verifyChains } from '../verify/verify-chains';
import { VerifyReport } from '../verify/verify-report';
import { AuditQueries, EventPage, Incident, Timeline } from './audit-queries';
import { recordAuditRead } from './audit-read';
import { filtersAndPage, INCIDENT_PAGE, timeWindow } from './query-params';

/**
 * The auditor's API; every route needs a token with `audit:read`. RequestSchemas has checked each
 * query string against its schema in the HTTP contract (AuditEventsQuery, …) before a handler runs;
 * the handlers check what a schema cannot: the time window's instants and order, and a cursor. Each request is itself audited:
 * an `audit.read` admin action naming the actor, the route and the filters, published before the
 * answer (no answer if it cannot be recorded).
 */
@Controller('audit')
@UseGuards(AdminGuard)
@RequireScope(AdminScope.AuditRead)
export class AuditController {
  private readonly sql: SqlQuery;
  private readonly queries: AuditQueries;
  private readonly checkpoints: CheckpointReader;

  constructor(
    @Inject(DataSource) db: DataSource,
    @Inject(Publisher) private readonly publisher: Publisher,
    @Optional() @Inject(CHECKPOINT_KEYS) private readonly keys?: SigningKeys,
    @Optional() @Inject(AUDIT_OPTIONS) private readonly options?: AuditOptions,
  ) {
    this.sql = sqlOf(db);
    this.queries = new AuditQueries(this.sql);
    this.checkpoints = sqlCheckpointReader(this.sql);
  }

  @Get('events')
  async events(@Query() input: AuditEventsQuery, @AdminActor() actor: string): Promise<EventPage> {
    const { filters, page } = filtersAndPage(input);
    await this.audited(actor, '/audit/events', { ...filters, limit: page.limit, cursor: page.cursor !== undefined });
    return this.queries.events(filters, page);
  }

  @Get('clients/:client_id/timeline')
  async timeline(@Param('client_id') clientId: string, @Query() input: AuditTimelineQuery, @AdminActor() actor: string): Promise<Timeline> {
    const { filters, page } = filtersAndPage(input);
    await this.audited(actor, `/audit/clients/${clientId}/timeline`, { ...filters, client_id: clientId, limit: page.limit, cursor: page.cursor !== undefined });
    return this.queries.timeline(clientId, filters, page);
  }

  @Get('incidents')
  async incidents(@Query() input: AuditIncidentsQuery, @AdminActor() actor: string): Promise<Incident> {
    const { filters, page } = filtersAndPage(input, INCIDENT_PAGE);
    const subjects = (['anchor', 'origin', 'jkt'] as const).filter((k) => filters[k] !== undefined);
    if (subjects.length !== 1) throw new AuditError(AuditErrorCode.QueryInvalid, 'give exactly one of anchor, origin or jkt');
    const kind = subjects[0];
    await this.audited(actor, '/audit/incidents', { ...filters, limit: page.limit, cursor: page.cursor !== undefined });
    return this.queries.incident({ kind, value: filters[kind]! }, filters, page);
  }

  /** The evidence report of a window: JSON, or with `format=html` one self-contained page. */
  @Get('report')
  async report(@Query() input: AuditReportQuery, @AdminActor() actor: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<EvidenceReport | string> {
    const { format = 'json', ...given } = input;
    const window = timeWindow(given);
    await this.audited(actor, '/audit/report', { ...window, format });
    const report = await buildEvidenceReport(this.sql, window);
    if (format === 'json') return report;
    void reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).header('x-content-type-options', 'nosniff');
    return renderReportHtml(report);
  }

  @Get('verify')
  async verify(@AdminActor() actor: string): Promise<VerifyReport> {
    await this.audited(actor, '/audit/verify', {});
    return verifyChains(this.sql, { jwks: this.keys?.publicJwks(), maxAgeS: this.options?.checkpointMaxAgeS || undefined });
  }

  /** The stored checkpoints, JWS included, so a verifier checks them with the public keys it trusts, not the server's word. */
  @Get('checkpoints')
  async storedCheckpoints(@Query() input: AuditCheckpointsQuery, @AdminActor() actor: string): Promise<{ checkpoints: StoredCheckpointRow[] }> {
    const after = input.after ?? '0';
    const limit = Number(input.limit ?? 1000);
    await this.audited(actor, '/audit/checkpoints', { after, limit });
    return { checkpoints: await this.checkpoints.page(after, limit) };
  }

  /** What the chains hold at given positions (`at=<topic>:<partition>:<position>,…`): the link's hash and the head's length. */
  @Get('links')
  async links(@Query() input: AuditLinksQuery, @AdminActor() actor: string): Promise<{ links: LinkAt[] }> {
    const points = linkPoints(input.at);
    await this.audited(actor, '/audit/links', { count: points.length });
    return { links: await this.checkpoints.linksAt(points) };
  }

  private audited(actor: string, target: string, details: Record<string, unknown>): Promise<void> {
    // An unrecorded read must not happen: no answer without its audit event.
    return recordAuditRead(this.publisher, actor, target, details);
  }
}
