import { DynamicModule, Module } from '@nestjs/common';
import { fetchSpan, publisherFor, TopicFollower } from '@admit/bus';
import { ActivePolicyModule } from '@admit/cedar';
import { OutboundFetchOptions, outboundFetcher } from '@admit/metadata';
import { processMetrics } from '@admit/platform';
import { ClientAttesters, SpiffeSource, TrustAnchors } from '@admit/trust';
import { RevocationSet } from '@admit/revocation-set';
import { ownMigrations } from '@admit/store';
import { AccessChecks } from './access/access-checks';
import { AccessChecksRoute } from './access/access-checks.route';
import { AdmissionCache } from './access/admission-cache';
import { ClientAssertions } from './access/client-assertion';
import { JtiLedger } from './access/jti-ledger';
import { INTAKE_MIGRATIONS } from './migrations';
import { WorkloadProofs } from './access/workload-proofs';
import { ADMISSION_TOKEN_OPTIONS, AdmissionTokenOptions, AdmissionTokens } from './admission-token/admission-tokens';
import { JwksController } from './admission-token/jwks.controller';
import { AdmissionsController } from './admissions/admissions.controller';
import { ClientsController } from './clients/clients.controller';
import { LiveAdmissions } from './clients/live-admissions';
import { OpenApiController } from './openapi/openapi.controller';
import { DecisionPipeline, INTAKE_OPTIONS, IntakeOptions } from './pipeline/decision-pipeline';
import { DecisionsHandler } from './pipeline/decisions.handler';
import { PendingDecisions } from './pipeline/pending-decisions';
import { RegisterController } from './registration/register.controller';
import { RateLimitOptions, RateLimits } from './limits/rate-limits';
import { GatewayActions } from './gateway/gateway-actions';
import { GatewayController } from './gateway/gateway.controller';
import { DataSource } from 'typeorm';

export interface IntakeModuleOptions extends IntakeOptions, AdmissionTokenOptions {
  /** Unexpired client-assertion jtis one client may hold (`ADMIT_CLIENT_ASSERTION_JTI_QUOTA`). */
  jtiQuota: number;
  /** Limits of /register, /admissions, /access-checks and /gateway/decide. */
  rateLimits: RateLimitOptions;
  /** The gateway table (ADMIT_GATEWAY_ACTIONS_FILE); absent: the default. */
  gatewayActions?: GatewayActions;
  /**
   * The anchors file (ADMIT_TRUST_ANCHORS_FILE): its SPIFFE trust domains and client attesters, for the
   * workload proofs presented to intake. Absent: none, so every such proof is refused.
   */
  anchors?: TrustAnchors;
  /** Fetches of client jwks_uri and SPIFFE bundle endpoints (through the SSRF guard, counted, each a span). */
  fetch: OutboundFetchOptions;
}

/**
 * The HTTP front door: publishes requests and answers callers when their decision arrives, with an
 * admission token signed by the SigningKeys that the app's KeysModule (@admit/keys) provides. Client
 * assertions' jtis and the live admissions are kept in the database of the app's StoreModule
 * (@admit/store), in intake's own tables, which it migrates.
 */
@Module({})
export class IntakeModule {
  static forRoot(options: IntakeModuleOptions): DynamicModule {
    const fetcher = outboundFetcher(options.fetch, processMetrics(), fetchSpan);
    const anchors = options.anchors ?? new TrustAnchors([]);
    return {
      module: IntakeModule,
      imports: [ActivePolicyModule.forFeed(TopicFollower)],
      controllers: [RegisterController, AdmissionsController, ClientsController, GatewayController, JwksController, OpenApiController, DecisionsHandler],
      providers: [
        ownMigrations('intake', INTAKE_MIGRATIONS),
        publisherFor('intake'),
        PendingDecisions,
        DecisionPipeline,
        AdmissionTokens,
        AccessChecks,
        AccessChecksRoute,
        { provide: AdmissionCache, useFactory: (revocations: RevocationSet) => new AdmissionCache(revocations), inject: [RevocationSet] },
        // One ledger of accepted jtis: client assertions' and client attestation PoPs'.
        { provide: JtiLedger, useFactory: (db: DataSource) => new JtiLedger(db, options.jtiQuota), inject: [DataSource] },
        // Client assertions are checked against keys from the client's own metadata: jwks_uri goes through the SSRF guard.
        {
          provide: ClientAssertions,
          useFactory: (revocations: RevocationSet, jtis: JtiLedger) =>
            new ClientAssertions({ issuer: options.issuer, fetcher, jtis, isRevokedKey: (jkt) => revocations.keyRevocation(jkt) !== undefined }),
          inject: [RevocationSet, JtiLedger],
        },
        // JWT-SVIDs and client attestations presented to intake name Admit's issuer as their aud.
        {
          provide: WorkloadProofs,
          useFactory: (jtis: JtiLedger) => new WorkloadProofs(new SpiffeSource(anchors.spiffe, options.issuer, fetcher), new ClientAttesters(anchors.attesters), options.issuer, jtis),
          inject: [JtiLedger],
        },
        { provide: LiveAdmissions, useFactory: (db: DataSource) => new LiveAdmissions(db), inject: [DataSource] },
        { provide: RateLimits, useValue: new RateLimits(options.rateLimits) },
        { provide: GatewayActions, useValue: options.gatewayActions ?? new GatewayActions() },
        { provide: INTAKE_OPTIONS, useValue: options },
        { provide: ADMISSION_TOKEN_OPTIONS, useValue: { issuer: options.issuer } },
      ],
    };
  }
}
