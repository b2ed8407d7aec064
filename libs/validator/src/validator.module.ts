import { DynamicModule, Logger, Module } from '@nestjs/common';
import { fetchSpan, publisherFor } from '@admit/bus';
import { CimdResolver, outboundFetcher } from '@admit/metadata';
import { processMetrics } from '@admit/platform';
import { AnchorKeys, ClientAttesters, SpiffeSource, StatementVerifier, TrustAnchorsError } from '@admit/trust';
import { TrustChainResolver } from '@admit/federation';
import { ClientKeyThumbprints } from './registration/client-key-thumbprints';
import { FederationSource } from './registration/federation-source';
import { RegistrationValidator } from './registration/registration-validator';
import { ValidateRegistrationHandler } from './registration/validate-registration.handler';
import { PurgeCaches } from './revocations/purge-caches';
import { ValidatorOptions } from './validator-config';

/** Fetches and verifies client metadata; publishes what it verified, or why it failed. */
@Module({})
export class ValidatorModule {
  /** `options`: `validatorOptions(config)`. */
  static forRoot(options: ValidatorOptions): DynamicModule {
    const { anchors, issuer } = options;
    const metrics = processMetrics();
    // Every outbound request goes through this one SSRF-guarded fetcher, each fetch a span of the work it is for.
    const fetcher = outboundFetcher(options.fetch, metrics, fetchSpan);
    // One start-up line says what statements can be verified against, or that none can; one more for each other kind of anchor.
    const log = new Logger('TrustAnchors');
    const loaded = (what: string, ids: string[]) => ids.length > 0 && log.log(`${ids.length} ${what} loaded: ${ids.slice(0, 10).join(', ')}`);
    log.log(
      anchors.all.length > 0
        ? `${anchors.all.length} trust anchor(s) loaded: ${anchors.all.slice(0, 10).map((a) => a.id).join(', ')}${anchors.all.length > 10 ? ', …' : ''}`
        : anchors.federation.length > 0
          ? 'no software statement anchors: every software statement is refused'
          : 'no trust anchors (ADMIT_TRUST_ANCHORS_FILE unset): every software statement is refused',
    );
    if (anchors.spiffe.length > 0 && issuer === undefined) {
      throw new TrustAnchorsError('ADMIT_ISSUER: required with a type: spiffe anchor (every JWT-SVID must name Admit as its aud)');
    }
    loaded('SPIFFE trust domain(s)', anchors.spiffe.map((a) => a.trustDomain));
    loaded('client attester(s)', anchors.attesters.map((a) => a.id));
    loaded('OpenID Federation trust anchor(s)', anchors.federation.map((a) => a.id));
    return {
      module: ValidatorModule,
      controllers: [ValidateRegistrationHandler],
      providers: [
        publisherFor('validator'),
        RegistrationValidator,
        PurgeCaches,
        { provide: ClientKeyThumbprints, useValue: new ClientKeyThumbprints(fetcher) },
        {
          // Trust chains are fetched through the same SSRF-guarded fetcher as documents and keys.
          provide: FederationSource,
          useValue: new FederationSource(
            new TrustChainResolver(fetcher, [...anchors.federation], options.federation),
            anchors.federation,
          ),
        },
        // SVIDs name Admit as their aud; bundle endpoints are fetched through the same SSRF-guarded fetcher.
        { provide: SpiffeSource, useValue: new SpiffeSource(anchors.spiffe, issuer ?? '', fetcher) },
        { provide: ClientAttesters, useValue: new ClientAttesters(anchors.attesters) },
        {
          provide: StatementVerifier,
          useValue: new StatementVerifier({ anchors, keys: new AnchorKeys(anchors, { fetcher }), clock: () => new Date() }, undefined, metrics),
        },
        {
          provide: CimdResolver,
          useValue: new CimdResolver(fetcher, { cache: options.cimdCache, metrics }),
        },
      ],
    };
  }
}

