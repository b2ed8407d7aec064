import { decodeJwt, decodeProtectedHeader } from 'jose';

export interface ShapeRules {
  clientId: string;
  /** Admit's issuer: the only accepted `aud`. */
  audience: string;
  algorithms: readonly string[];
  nowS: number;
  skewS: number;
  maxLifetimeS: number;
}

/**
 * Why a client assertion fails before its signature is even looked at, or null. These are the
 * rules `jwtVerify` applies again with the key, checked first so that an assertion that could never
 * pass makes Admit fetch nothing (a client's `jwks_uri` may name any host). Descriptions use jose's
 * codes, as the verification after them does.
 */
export function assertionShapeProblem(assertion: string, rules: ShapeRules): string | null {
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    claims = decodeJwt(assertion) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? code : 'ERR_JWT_INVALID'}: the assertion is not a signed JWT`;
  }
  if (typeof header.alg !== 'string' || !rules.algorithms.includes(header.alg)) return 'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed';
  if ('crit' in header) return 'ERR_JOSE_NOT_SUPPORTED: no "crit" Header Parameter is understood';
  const claim = (name: string) => `ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "${name}" claim value`;
  if (claims.iss !== rules.clientId) return claim('iss');
  if (claims.sub !== rules.clientId) return claim('sub');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(rules.audience)) return claim('aud');
  for (const name of ['exp', 'jti']) if (!(name in claims)) return `ERR_JWT_CLAIM_VALIDATION_FAILED: missing required "${name}" claim`;
  if (typeof claims.exp !== 'number') return claim('exp');
  if (claims.exp <= rules.nowS - rules.skewS) return 'ERR_JWT_EXPIRED: "exp" claim timestamp check failed';
  if (claims.exp > rules.nowS + rules.maxLifetimeS + rules.skewS) return `exp is more than ${rules.maxLifetimeS} s away`;
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 256) return 'jti must be a string of 1 to 256 characters';
  return null;
}
