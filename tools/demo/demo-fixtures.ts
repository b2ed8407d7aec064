import { federationAnchorYaml, serveFederation, TestFederation } from '@admit/federation/testing';
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEMO_ISSUER = 'https://directory.demo.example';

/** A trust anchor made for this run: its key pair (never written), and an anchors file with its public key. */
export interface DemoAnchor {
  file: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}

export async function makeAnchor(dir: string): Promise<DemoAnchor> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'demo-1', alg: 'ES256', use: 'sig' };
  const file = join(dir, 'trust-anchors.yaml');
  const lines = ['anchors:', '  - id: demo-directory', `    issuer: ${DEMO_ISSUER}`, '    algorithms: [ES256]', '    max_age_s: 3600', '    required_claims: [software_id]'];
  writeFileSync(file, [...lines, `    jwks: ${JSON.stringify({ keys: [jwk] })}`, ''].join('\n'));
  return {
    file,
    sign: (claims) => new SignJWT({ iss: DEMO_ISSUER, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'demo-1' }).setIssuedAt().setExpirationTime('10m').sign(privateKey),
  };
}

/**
 * A client ID metadata document served over HTTPS on a loopback port, with a CA made for this run.
 * Admit's SSRF guard refuses loopback; ADMIT_FETCH_ALLOW_HOSTS lets exactly this host:port through.
 */
export async function serveDocument(): Promise<{ fixture: HttpsFixture; clientId: string }> {
  const fixture = await startHttpsFixture();
  const clientId = `${fixture.origin}/agents/demo-agent.json`;
  fixture.route('/agents/demo-agent.json', {
    headers: { 'cache-control': 'max-age=300' },
    body: { client_id: clientId, client_name: 'Demo Agent', redirect_uris: ['https://agent.demo.example/cb'], token_endpoint_auth_method: 'none' },
  });
  return { fixture, clientId };
}

/**
 * An OpenID Federation on the same loopback HTTPS fixture: a trust anchor, an intermediate under it
 * and a leaf relying party under that, every statement signed on each request. The anchor is pinned
 * in the demo's anchors file (`anchorsFile`), by its entity id and keys, as a deployment pins one.
 */
export async function serveFederationLeaf(fixture: HttpsFixture, anchorsFile: string): Promise<{ leafId: string; intermediateId: string }> {
  const fed = new TestFederation(fixture.origin);
  const anchor = await fed.add('federation-anchor');
  const intermediate = await fed.add('federation-intermediate');
  const leaf = await fed.add('federation-leaf', {
    metadata: { openid_relying_party: { client_name: 'Demo Federated RP', redirect_uris: ['https://rp.demo.example/cb'], token_endpoint_auth_method: 'none' } },
  });
  fed.link(intermediate, anchor);
  fed.link(leaf, intermediate);
  serveFederation(fed, fixture);
  appendFileSync(anchorsFile, `${federationAnchorYaml('demo-federation', anchor)}\n`);
  return { leafId: leaf.id, intermediateId: intermediate.id };
}

/** The SPIFFE trust domain of the demo's workloads. */
export const DEMO_TRUST_DOMAIN = 'prod.demo.example';

/**
 * A SPIFFE trust domain made for this run, as SPIRE would run it: its JWT bundle pinned in the demo's
 * anchors file with a template for the workloads under `ns/payments/`, and a signer of JWT-SVIDs for
 * `audience` (Admit's issuer), five minutes to live.
 */
export async function makeTrustDomain(anchorsFile: string, audience: string): Promise<(spiffeId: string) => Promise<string>> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'spire-1', alg: 'ES256', use: 'jwt-svid' };
  const template = { client_name: 'Payments workload', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', scope: 'payments' };
  const lines = ['  - id: demo-spiffe', '    type: spiffe', `    trust_domain: ${DEMO_TRUST_DOMAIN}`, `    bundle: ${JSON.stringify({ keys: [jwk] })}`, `    templates: ${JSON.stringify({ 'ns/payments/': template })}`];
  appendFileSync(anchorsFile, `${lines.join('\n')}\n`);
  return (spiffeId) => new SignJWT({ sub: spiffeId, aud: audience }).setProtectedHeader({ alg: 'ES256', kid: 'spire-1', typ: 'JWT' }).setExpirationTime('5m').sign(privateKey);
}
