import { ClientMetadata, compileShape, parsedUrl, Problem, RegistrationError, unstorableTextPath } from '@admit/contracts';
import { displayFieldProblems } from './display-fields';
import { isSecretAuthMethod, nonPublicJwkMembers } from './secrets';

export type MetadataCheck = { ok: true; metadata: ClientMetadata } | { ok: false; errors: Problem[] };

const checkShape = compileShape<ClientMetadata>(ClientMetadata);

const ALLOWED_AUTH_METHODS = new Set(['none', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']);
const REDIRECT_GRANTS = new Set(['authorization_code', 'implicit']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * RFC 7591 §2 checks of self-asserted client metadata. Returns the metadata as Admit registers it
 * (defaults filled in, the statement removed) or every rule it breaks.
 */
export function checkClientMetadata(input: Record<string, unknown>): MetadataCheck {
  // First, so that no later description can repeat such text: the events it would reach could not be stored.
  const unstorable = unstorableTextPath(input);
  if (unstorable !== null) {
    const description = `metadata${unstorable.slice(0, 256)} holds a NUL character or a lone UTF-16 surrogate`;
    return { ok: false, errors: [{ code: RegistrationError.InvalidClientMetadata, description }] };
  }
  if (!checkShape(input)) {
    const errors = (checkShape.errors ?? []).map((e) => ({
      // A bad URI in the list is invalid_redirect_uri; a list that is not a list is bad metadata.
      code: e.instancePath.startsWith('/redirect_uris/') ? RegistrationError.InvalidRedirectUri : RegistrationError.InvalidClientMetadata,
      description: `${e.instancePath.slice(1).replace(/\//g, '.') || 'metadata'} ${e.message ?? 'is invalid'}`,
    }));
    return { ok: false, errors };
  }
  const errors: Problem[] = [];
  const fail = (code: RegistrationError, description: string) => errors.push({ code, description });

  const metadata: ClientMetadata = {
    ...input,
    grant_types: input.grant_types ?? ['authorization_code'],
    response_types: input.response_types ?? ['code'],
    // RFC 7591's default is client_secret_basic, but a stateless registry issues no secrets.
    token_endpoint_auth_method: input.token_endpoint_auth_method ?? 'none',
  };

  if ('software_statement' in metadata) {
    fail(RegistrationError.UnapprovedSoftwareStatement, 'no trust anchor is configured to approve software statements');
    delete metadata.software_statement;
  }
  if ('client_secret' in metadata) fail(RegistrationError.InvalidClientMetadata, 'client_secret must not be sent: Admit issues no secrets');
  const method = metadata.token_endpoint_auth_method as string;
  if (isSecretAuthMethod(method)) {
    fail(RegistrationError.InvalidClientMetadata, `token_endpoint_auth_method ${method} needs a client secret; Admit issues none`);
  } else if (!ALLOWED_AUTH_METHODS.has(method)) {
    fail(RegistrationError.InvalidClientMetadata, `token_endpoint_auth_method ${JSON.stringify(method)} is not supported`);
  }
  if (metadata.jwks && metadata.jwks_uri) fail(RegistrationError.InvalidClientMetadata, 'jwks and jwks_uri must not both be present');
  if (metadata.jwks?.keys.some((key) => nonPublicJwkMembers(key).length > 0)) {
    fail(RegistrationError.InvalidClientMetadata, 'jwks contains private or symmetric key material');
  }

  errors.push(...displayFieldProblems(metadata));

  const uris = metadata.redirect_uris ?? [];
  if (uris.length === 0 && (metadata.grant_types ?? []).some((g) => REDIRECT_GRANTS.has(g))) {
    fail(RegistrationError.InvalidRedirectUri, 'redirect_uris is required for the authorization_code and implicit grants');
  }
  // Registered redirect URIs are checked whatever the grants: metadata Admit vouches for holds no bad one.
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) fail(RegistrationError.InvalidRedirectUri, `${JSON.stringify(uri.slice(0, 256))} ${problem}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, metadata };
}

/** RFC 6749 §3.1.2 and RFC 8252 §7.3: absolute, no fragment, https or loopback http. */
function redirectUriProblem(uri: string): string | null {
  const url = parsedUrl(uri);
  if (!url) return 'is not an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain userinfo';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must use https (or http on a loopback host for native apps)';
}
