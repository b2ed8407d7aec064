import { createHash } from 'node:crypto';
import { isStorableText, orUndefined, type Problem } from '@admit/contracts';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { AnchorKeys } from './anchor-keys';
import type { Clock } from './clock';
import { joseErrorProblem } from './jose-error-problem';
import { StatementErrorCode as Code, statementProblem } from './statement-problems';
import { statementClientId } from './statement-client-id';
import type { TrustAnchor, TrustAnchors } from './trust-anchor';

export interface StatementContext {
  anchors: TrustAnchors;
  keys: AnchorKeys;
  clock: Clock;
  /** Largest statement accepted, in bytes. Default 16 KiB. */
  maxBytes?: number;
  /** Allowed clock skew for exp, nbf and iat, in seconds. Default 60, at most 300. */
  clockToleranceS?: number;
}

export type StatementClaims = JWTPayload & { iss: string; iat: number; exp: number; software_id: string };

/** What an auditor needs to find the exact statement and key again. */
export interface StatementEvidence {
  /** Hex SHA-256 of the statement exactly as received. */
  sha256: string;
  anchor: string;
  kid: string;
  alg: string;
}

export type StatementVerification =
  | { ok: true; anchor: TrustAnchor; claims: StatementClaims; evidence: StatementEvidence; clientId: string }
  | { ok: false; problems: Problem[] };

const DEFAULT_MAX_BYTES = 16 * 1024;
const MAX_TOLERANCE_S = 300;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Headers that point at keys chosen by the signer. Trusting them lets anyone pick their own key. */
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

/**
 * RFC 7591 §2.3: verifies a software statement against the trust anchor named by its `iss`.
 * `sha256`: the statement's hex SHA-256 when the caller has it already (`statementSha256`).
 */
export async function verifySoftwareStatement(jwt: string, ctx: StatementContext, sha256?: string): Promise<StatementVerification> {
  const tolerance = ctx.clockToleranceS ?? 60;
  if (!(tolerance >= 0 && tolerance <= MAX_TOLERANCE_S)) throw new RangeError(`clockToleranceS must be within 0..${MAX_TOLERANCE_S}`);
  const maxBytes = ctx.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (code: Code, description: string): StatementVerification => ({ ok: false, problems: [statementProblem(code, description)] });

  // Checked on the raw length before any decoding, so an oversized statement costs nothing.
  if (typeof jwt !== 'string' || jwt.length > maxBytes || Buffer.byteLength(jwt) > maxBytes) {
    return fail(Code.TooLarge, `software_statement must be a string of at most ${maxBytes} bytes`);
  }
  const look = unverifiedLook(jwt);
  if (!look) return fail(Code.Malformed, 'software_statement is not a compact JWS with a JSON object header and claims set');
  const { header, payload } = look;

  const headerProblem = checkHeader(header);
  if (headerProblem) return fail(headerProblem[0], headerProblem[1]);
  if (typeof payload.iss !== 'string') return fail(Code.IssuerMissing, 'software_statement has no iss claim naming its trust anchor');
  const anchor = ctx.anchors.byIssuer(payload.iss);
  if (!anchor) return fail(Code.IssuerUntrusted, `issuer ${JSON.stringify(payload.iss.slice(0, 128))} is not a trusted anchor`);

  let verified: { payload: JWTPayload; protectedHeader: ProtectedHeaderParameters };
  try {
    verified = await jwtVerify(jwt, ctx.keys.resolverFor(anchor), {
      algorithms: [...anchor.algorithms],
      issuer: anchor.issuer,
      requiredClaims: ['exp', 'iat', ...anchor.requiredClaims],
      maxTokenAge: anchor.maxAgeS,
      clockTolerance: tolerance,
      currentDate: ctx.clock(),
    });
  } catch (error) {
    return { ok: false, problems: [joseErrorProblem(error, anchor)] };
  }
  const claims = verified.payload;
  if (typeof claims.software_id !== 'string' || claims.software_id.length === 0 || claims.software_id.length > 255) {
    return fail(Code.ClaimInvalid, 'claim software_id must be a non-empty string of at most 255 characters');
  }
  // It goes into every event about the client, and the audit store can keep no such text.
  if (!isStorableText(claims.software_id)) return fail(Code.ClaimInvalid, 'claim software_id must not hold a NUL character or a lone UTF-16 surrogate');
  const evidence: StatementEvidence = {
    sha256: sha256 ?? statementSha256(jwt),
    anchor: anchor.id,
    kid: header.kid as string,
    alg: verified.protectedHeader.alg as string,
  };
  return { ok: true, anchor, claims: claims as StatementClaims, evidence, clientId: statementClientId(anchor.id, claims.software_id) };
}

/** Hex SHA-256 of the statement exactly as received: its evidence, and the key it is remembered by. */
export function statementSha256(jwt: string): string {
  return createHash('sha256').update(jwt, 'utf8').digest('hex');
}

/** Decodes without verifying, only to choose the anchor and refuse dangerous headers early. */
function unverifiedLook(jwt: string): { header: ProtectedHeaderParameters; payload: JWTPayload } | null {
  if (!COMPACT_JWS.test(jwt)) return null;
  return orUndefined(() => ({ header: decodeProtectedHeader(jwt), payload: decodeJwt(jwt) })) ?? null;
}

function checkHeader(header: ProtectedHeaderParameters): [Code, string] | null {
  const { alg } = header;
  if (typeof alg !== 'string') return [Code.Malformed, 'software_statement header has no alg'];
  if (alg.toLowerCase() === 'none') return [Code.Unsigned, 'software_statement is unsigned (alg none)'];
  if (/^HS/i.test(alg)) {
    return [Code.SymmetricAlg, `alg ${alg} is symmetric; statements must be signed with an anchor's asymmetric key`];
  }
  if ('crit' in header) return [Code.CritHeader, 'software_statement has a crit header; no critical extensions are supported'];
  const keyHeaders = KEY_HEADERS.filter((name) => name in header);
  if (keyHeaders.length > 0) {
    return [
      Code.KeyHeader,
      `software_statement has a ${keyHeaders.join(', ')} header; keys named by the statement are never fetched or used, only the anchor's own keys`,
    ];
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    return [Code.KidMissing, 'software_statement header has no kid naming the anchor key that signed it'];
  }
  return null;
}
