import type { HttpsFixture } from '@admit/metadata/testing';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { AgentIdentity } from './agent';

/**
 * A new agent: an ES256 key pair, and its client ID metadata document served by `fixture` at
 * `path`, with the public key in `jwks` and `private_key_jwt` as its way to authenticate.
 */
export async function publishAgent(fixture: HttpsFixture, path: string, audience: string, name = 'Example Agent'): Promise<AgentIdentity & { jkt: string }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = 'agent-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const clientId = `${fixture.origin}${path}`;
  fixture.route(path, {
    headers: { 'cache-control': 'max-age=300' },
    body: { client_id: clientId, client_name: name, redirect_uris: ['https://agent.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
  });
  return { clientId, privateKey, kid, audience, jkt: await calculateJwkThumbprint(jwk) };
}
