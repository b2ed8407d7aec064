import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { CimdResolver } from '@admit/metadata';
import { StatementVerifier } from '@admit/trust';

/** A revocation drops what the validator cached about its subject, so the next request checks afresh. */
@Controller()
export class PurgeCachesHandler {
  constructor(
    private readonly documents: CimdResolver,
    private readonly statements: StatementVerifier,
  ) {}

  @EventPattern(Topic.Revocations, consumer('validator'))
  onRevocation(@Payload() event: CloudEvent<typeof Topic.Revocations>): void {
    const { kind, value } = event.data;
    if (kind === 'client_id') this.documents.purge({ clientId: value });
    if (kind === 'origin') this.documents.purge({ origin: value });
    if (kind === 'anchor') this.statements.purgeAnchor(value);
  }
}
