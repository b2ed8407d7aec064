import { DynamicModule, Logger, Module } from '@nestjs/common';
import { publisherFor, traced } from '@admit/bus';
import { CimdResolver, Fetcher, MeasuredFetcher } from '@admit/metadata';
import { processMetrics } from '@admit/platform';
import { AnchorKeys, ClientAttesters, guardedFetcher, loadTrustAnchors, SpiffeSource, StatementVerifier, TrustAnchorsError } from '@admit/trust';
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
  /** `issuer`: Admit's public URL, the audience of JWT-SVIDs (embedded mode derives it as intake does). */
  static forRoot(config: ValidatorOptions, issuer = config.ADMIT_ISSUER): DynamicModule {
    // Every outbound request goes through this one SSRF-guarded fetcher.
    const metrics = processMetrics();
    const measured = new MeasuredFetcher(
      guardedFetcher(config),
      metrics,
    );
    // Each fetch is a span of the work it is for, when spans are exported.
    const fetcher: Fetcher = { fetch: (url, options) => traced('fetch', { 'server.address': hostOf(url) }, () => measured.fetch(url, options), 'client') };
    const anchors = loadTrustAnchors({ ADMIT_TRUST_ANCHORS_FILE: config.ADMIT_TRUST_ANCHORS_FILE });
    // One start-up line says what statements can be verified against, or that none can.
    new Logger('TrustAnchors').log(
      anchors.all.length > 0
        ? `${anchors.all.length} trust anchor(s) loaded: ${anchors.all.slice(0, 10).map((a) => a.id).join(', ')}${anchors.all.length > 10 ? ', …' : ''}`
        : anchors.federation.length > 0
          ? 'no software statement anchors: every software statement is refused'
          : 'no trust anchors (ADMIT_TRUST_ANCHORS_FILE unset): every software statement is refused',
    );
    if (anchors.spiffe.length > 0) {
      if (issuer === undefined) throw new TrustAnchorsError('ADMIT_ISSUER: required with a type: spiffe anchor (every JWT-SVID must name Admit as its aud)');
      new Logger('TrustAnchors').log(`${anchors.spiffe.length} SPIFFE trust domain(s) loaded: ${anchors.spiffe.slice(0, 10).map((a) => a.trustDomain).join(', ')}`);
    }
    if (anchors.attesters.length > 0) {
      new Logger('TrustAnchors').log(`${anchors.attesters.length} client attester(s) loaded: ${anchors.attesters.slice(0, 10).map((a) => a.id).join(', ')}`);
    }
    if (anchors.federation.length > 0) {
      new Logger('TrustAnchors').log(`${anchors.federation.length} OpenID Federation trust anchor(s) loaded: ${anchors.federation.slice(0, 10).map((a) => a.id).join(', ')}`);
    }
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
            new TrustChainResolver(fetcher, [...anchors.federation], {
              maxBytes: config.ADMIT_FEDERATION_MAX_BYTES,
              maxDepth: config.ADMIT_FEDERATION_MAX_DEPTH,
              maxFetches: config.ADMIT_FEDERATION_MAX_FETCHES,
              failureCooldownMs: config.ADMIT_FEDERATION_FAILURE_COOLDOWN_S * 1000,
            }),
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
          useValue: new CimdResolver(fetcher, {
            cache: { minTtlMs: config.ADMIT_CIMD_MIN_TTL_S * 1000, maxTtlMs: config.ADMIT_CIMD_MAX_TTL_S * 1000 },
            metrics,
          }),
        },
      ],
    };
  }
}

/** The host of a URL, for a span (never the path or query). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}
