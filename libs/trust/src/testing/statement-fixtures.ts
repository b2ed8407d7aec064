import { exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTHeaderParameters, type JWTPayload, SignJWT } from 'jose';
import { buildTrustAnchors } from '../anchors';
import type { TrustAnchors } from '../trust-anchor';

export const NOW_S = 1_750_000_000;
export const ISSUER = 'https://directory.example';
export const JWKS_URI = 'https://directory.example/jwks.json';

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function testKey(kid: string, alg = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

/** Claims of a statement that passes every check at NOW_S. */
export function validClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    iat: NOW_S - 60,
    exp: NOW_S + 3600,
    software_id: 'acme-cli',
    client_name: 'Acme CLI',
    redirect_uris: ['https://acme.example/callback'],
    ...overrides,
  };
}

export function sign(key: TestKey, claims: JWTPayload = validClaims(), header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

/** One anchor for ISSUER, with inline keys or (when `remote`) the JWKS_URI. */
export function anchorsFor(keys: TestKey[], options: { remote?: boolean; algorithms?: string[]; maxAgeS?: number; requiredClaims?: string[] } = {}): TrustAnchors {
  return buildTrustAnchors({
    anchors: [
      {
        id: 'directory',
        issuer: ISSUER,
        ...(options.remote ? { jwks_uri: JWKS_URI } : { jwks: { keys: keys.map((k) => k.publicJwk) } }),
        algorithms: options.algorithms ?? ['ES256'],
        max_age_s: options.maxAgeS ?? 86_400,
        required_claims: options.requiredClaims ?? [],
      },
    ],
  });
}
