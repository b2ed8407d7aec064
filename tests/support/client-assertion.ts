import { type CryptoKey, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

/** An RFC 7523 client assertion of `clientId` for Admit (`audience`): a new jti, two minutes to live, signed with key `client-1`. */
export function signClientAssertion(clientId: string, audience: string, privateKey: CryptoKey): Promise<string> {
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: 'client-1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(privateKey);
}
