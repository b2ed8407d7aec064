import { parseAllowHosts, SafeFetcher } from '@admit/metadata';
import { Static, Type } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';

/**
 * The anchors file and the outbound fetches its remote keys and bundles go through: read by the
 * validator, and by intake, which checks the workload proofs presented to it (a JWT-SVID, a client
 * attestation and its PoP) where they are presented.
 */
export const trustAnchorsConfig = {
  /** YAML file of trust anchors; unset means no anchor, so every software statement is unapproved. */
  ADMIT_TRUST_ANCHORS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** For tests and local development only: `host:port` entries allowed to resolve to loopback. */
  ADMIT_FETCH_ALLOW_HOSTS: Type.String({ default: '' }),
  /** For tests and local development only: an extra CA (PEM file) trusted for outbound TLS. */
  ADMIT_FETCH_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

export type TrustAnchorsOptions = Static<ReturnType<typeof Type.Object<typeof trustAnchorsConfig>>>;

/** The SSRF-guarded fetcher, with the loopback hosts and extra CA the configuration allows. */
export function guardedFetcher(config: TrustAnchorsOptions): SafeFetcher {
  return new SafeFetcher({
    allowLoopback: parseAllowHosts(config.ADMIT_FETCH_ALLOW_HOSTS),
    ca: config.ADMIT_FETCH_CA_FILE ? readFileSync(config.ADMIT_FETCH_CA_FILE) : undefined,
  });
}
