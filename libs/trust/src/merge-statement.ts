/** JWT registered claims describe the statement itself, not the client, so they never become metadata. */
const NOT_METADATA = ['software_statement', 'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', '__proto__'];

/**
 * RFC 7591 §3.1.1: statement claims take precedence over the same fields in the plain JSON body.
 * Spread (not assignment) copies keys, so a `__proto__` key is an own property and cannot reach
 * a prototype; it is then dropped with the registered claims.
 */
export function mergeStatementMetadata(
  body: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...body, ...claims };
  for (const key of NOT_METADATA) delete merged[key];
  return merged;
}
