import { Injectable, OnModuleInit } from '@nestjs/common';
import { Revocation } from '@admit/contracts';
import { CimdResolver } from '@admit/metadata';
import { RevocationSet } from '@admit/revocation-set';
import { StatementVerifier } from '@admit/trust';
import { FederationSource } from '../registration/federation-source';

/**
 * A revocation drops what this validator instance cached about its subject, so the next request
 * checks afresh. Every instance follows the revocations, so every instance's caches are purged.
 * `software_id` and `jkt` revocations key no cache here; the policy service and intake deny them.
 */
@Injectable()
export class PurgeCaches implements OnModuleInit {
  constructor(
    private readonly revocations: RevocationSet,
    private readonly documents: CimdResolver,
    private readonly statements: StatementVerifier,
    private readonly federation: FederationSource,
  ) {}

  onModuleInit(): void {
    this.revocations.onRevoked((revocation) => this.purge(revocation));
  }

  purge({ kind, value }: Revocation): void {
    if (kind === 'client_id') this.documents.purge({ clientId: value });
    // An origin revocation may name the origin or only its host.
    if (kind === 'origin') this.documents.purge({ origin: value.includes('://') ? value : `https://${value}` });
    if (kind === 'anchor') this.statements.purgeAnchor(value);
    // Statements are cached by URL, not by chain: any revocation in a federation drops them all.
    if (kind === 'anchor' || kind === 'intermediate') this.federation.purge();
  }
}
