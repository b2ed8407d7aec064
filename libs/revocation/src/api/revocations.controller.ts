import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { HttpError, RequestError, RevocationError, RevocationRequest, RevocationView } from '@admit/contracts';
import { AdminActor, AdminGuard, AdminScope, RequireScope } from '@admit/platform';
import { OutboxPublisher } from '../publish/outbox-publisher';
import { REVOCATION_OPTIONS, RevocationOptions } from '../revocation-options';
import { RevocationStore, Written } from '../store/revocation-store';
import { checkRevocationRequest } from './revocation-request';
import { toView } from './revocation-view';

/**
 * The admin API; bodies and query strings have been checked against their schemas in HTTP_ROUTES
 * (@admit/contracts) before a handler runs, and errors answer as RFC 9457 problems. A change
 * answers 2xx only once it is on `admit.revocations.v1`, i.e. in force for every service; if the
 * bus does not take it in time, 503 `ERR_REVOCATION_PENDING` (with the id): the change is stored and will
 * be published on its own, but the caller must not assume it holds yet.
 */
@Controller('revocations')
@UseGuards(AdminGuard)
export class RevocationsController {
  constructor(
    private readonly store: RevocationStore,
    private readonly outbox: OutboxPublisher,
    @Inject(REVOCATION_OPTIONS) private readonly options: Required<RevocationOptions>,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope(AdminScope.RevocationsWrite)
  async create(@Body() body: RevocationRequest, @AdminActor() actor: string): Promise<RevocationView> {
    const now = new Date();
    const request = checkRevocationRequest(body, now);
    const result = await this.store.create(request, actor, now);
    if ('existing' in result) {
      throw concerning(result.existing, RevocationError.Exists, `${request.kind} ${JSON.stringify(request.value)} is already revoked`);
    }
    await this.inForce(result, 'revocation');
    return toView(result.record);
  }

  @Get()
  @RequireScope(AdminScope.RevocationsRead)
  async list(@Query('include') include?: 'lifted'): Promise<RevocationView[]> {
    return (await this.store.list(include === 'lifted')).map(toView);
  }

  @Get(':id')
  @RequireScope(AdminScope.RevocationsRead)
  async get(@Param('id') id: string): Promise<RevocationView> {
    const record = await this.store.find(id);
    if (!record) throw notFound();
    return toView(record);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope(AdminScope.RevocationsWrite)
  async lift(@Param('id') id: string, @AdminActor() actor: string): Promise<void> {
    const result = await this.store.lift(id, actor, new Date());
    if (result === undefined) throw notFound();
    if (result === 'not_active') {
      throw concerning(id, RevocationError.NotActive, 'the revocation is already lifted or expired');
    }
    await this.inForce(result, 'lift');
  }

  private async inForce(written: Written, what: string): Promise<void> {
    if (await this.outbox.published(written.outboxSeq, this.options.publishWaitMs)) return;
    throw concerning(
      written.record.id,
      RevocationError.Pending,
      `the ${what} is stored but not yet published, so not yet in force; it will be published when the bus is reachable`,
      Math.ceil(this.options.publishWaitMs / 1000),
    );
  }
}

function notFound(): RequestError {
  return new RequestError(HttpError.NotFound, 'no revocation with this id');
}

/** A refusal whose answer also names the revocation concerned (`revocation_id`). */
function concerning(id: string, code: RevocationError, description: string, retryAfterS?: number): RequestError {
  return new RequestError(code, description, { retryAfterS, members: { revocation_id: id } });
}
