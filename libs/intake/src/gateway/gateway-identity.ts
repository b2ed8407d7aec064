import { orUndefined } from '@admit/contracts';
import { decodeJwt } from 'jose';
import type { IncomingHttpHeaders } from 'node:http';
import { AdmissionTokens } from '../admission-token/admission-tokens';

/** The headers of the gateway endpoint: the client's proofs it reads, and what it answers for the upstream. */
export const GatewayHeader = {
  /** RFC 7523 private_key_jwt, signed with a key of the client's metadata, `aud` = ADMIT_ISSUER. */
  ClientAssertion: 'x-client-assertion',
  /** An admission token Admit issued to the client (`typ: admission+jwt`). */
  AdmissionToken: 'x-admission-token',
  DecisionId: 'admit-decision-id',
  ClientId: 'admit-client-id',
  AdmissionExpiresAt: 'admit-admission-expires-at',
} as const;

export type VerifiedClient =
  | { ok: true; clientId: string; assertion?: string }
  /** `error` is absent when no proof was presented (RFC 6750 §3.1 style). */
  | { ok: false; error?: 'invalid_client' | 'invalid_token'; description: string };

/**
 * The client a gateway request is for, from a proof only, never from a bare client id. An admission
 * token is verified here, against Admit's own keys. A client assertion names its client in `iss`,
 * read here unverified: the access check verifies it against that client's keys before anything is
 * allowed, and refuses it (401) otherwise. Both at once must name the same client.
 */
export async function verifiedClient(headers: IncomingHttpHeaders, tokens: AdmissionTokens): Promise<VerifiedClient> {
  const assertion = headers[GatewayHeader.ClientAssertion];
  const token = headers[GatewayHeader.AdmissionToken];
  if (assertion === undefined && token === undefined) {
    return { ok: false, description: 'a client assertion (X-Client-Assertion) or an admission token (X-Admission-Token) is required' };
  }
  let fromToken: string | undefined;
  if (token !== undefined) {
    if (typeof token !== 'string') return { ok: false, error: 'invalid_token', description: 'one X-Admission-Token header is allowed' };
    const verified = await tokens.verify(token);
    if (!verified.ok) return { ok: false, error: 'invalid_token', description: verified.description };
    fromToken = verified.clientId;
  }
  if (assertion === undefined) return { ok: true, clientId: fromToken as string };
  const issuer = issuerOf(assertion);
  if (issuer === undefined) return { ok: false, error: 'invalid_client', description: 'X-Client-Assertion must be one JWT whose iss is the client id' };
  if (fromToken !== undefined && fromToken !== issuer) return { ok: false, error: 'invalid_client', description: 'the client assertion and the admission token name different clients' };
  return { ok: true, clientId: issuer, assertion: assertion as string };
}

function issuerOf(assertion: string | string[]): string | undefined {
  if (typeof assertion !== 'string' || assertion.length > 16_384) return undefined;
  const iss = orUndefined(() => decodeJwt(assertion).iss);
  return typeof iss === 'string' && iss.length > 0 && iss.length <= 2048 ? iss : undefined;
}
