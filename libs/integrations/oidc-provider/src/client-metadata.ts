import type { AdmittedClient } from '@admit/client';

/**
 * The members of Admit's answer that oidc-provider reads as client metadata. The rest stays out: the
 * admission token and Admit's times are not client metadata, and oidc-provider refuses (or would
 * act on) members it does not expect.
 */
const OIDC_MEMBERS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'jwks',
  'jwks_uri',
  'client_name',
  'client_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'contacts',
  'scope',
  'application_type',
  'id_token_signed_response_alg',
  'default_max_age',
  'require_auth_time',
] as const;

/** oidc-provider client metadata for a client Admit admitted, with `client_id` Admit's. */
export function oidcClientMetadata(admitted: AdmittedClient): Record<string, unknown> {
  const metadata: Record<string, unknown> = { client_id: admitted.client_id };
  for (const member of OIDC_MEMBERS) if (admitted[member] !== undefined) metadata[member] = admitted[member];
  return metadata;
}
