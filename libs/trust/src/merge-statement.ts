/** JWT registered claims describe the statement itself, not the client, so they never become metadata. */
const NOT_METADATA = ['software_statement', 'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', '__proto__'];

/**
 * What decides who can act as the client and where its codes go. Only the anchor may say these, so
 * they come from the statement alone: a body value is ignored, even when the statement is silent.
 * Otherwise anyone holding a copy of a statement without keys could add keys of their own.
 */
export const STATEMENT_ONLY_METADATA = ['jwks', 'jwks_uri', 'redirect_uris', 'token_endpoint_auth_method', 'grant_types'] as const;

const NOT_FROM_BODY = new Set<string>([...NOT_METADATA, ...STATEMENT_ONLY_METADATA]);

/**
 * The metadata a registration body adds to its statement: every field the statement leaves out, except
 * the statement-only ones and the registered claims. The client id commits to it, so a body that adds
 * something else names another client.
 */
export function bodyAdditions(body: Readonly<Record<string, unknown>>, claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const added: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!NOT_FROM_BODY.has(key) && !Object.hasOwn(claims, key)) added[key] = value;
  }
  return added;
}

/**
 * RFC 7591 §3.1.1: statement claims take precedence over the same fields in the plain JSON body, and
 * the statement-only fields come from the statement or nowhere. Spread (not assignment) copies keys,
 * so a `__proto__` key is an own property and cannot reach a prototype; it is then dropped with the
 * registered claims.
 */
export function mergeStatementMetadata(
  body: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...bodyAdditions(body, claims), ...claims };
  for (const key of NOT_METADATA) delete merged[key];
  return merged;
}
