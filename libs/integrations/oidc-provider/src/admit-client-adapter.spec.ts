// Real: AdmitClientAdapter, admitProviderConfiguration, AdmitClient, jose, fetch, and a loopback HTTP
// server playing Admit's GET /clients/{client_id} and JWKS, with tokens signed by a key of its own.
// Time for the cache is passed in.
import { AdmitClient, AdmitError } from '@admit/client';
import { rejectedBy } from '@admit/contracts/testing';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AdmitClientAdapter } from './admit-client-adapter';
import { admitProviderConfiguration, withAuthorizationServerMetadata } from './admit-configuration';

const ISSUER = 'https://admit.test';
const CLIENT = 'https://app.example/client.json';

describe('AdmitClientAdapter', () => {
  let server: Server;
  let base: string;
  let signingKey: CryptoKey;
  let jwk: Record<string, unknown>;
  let answer: (clientId: string) => Promise<{ status: number; body: unknown }>;
  let lookups: string[];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'admit-1', alg: 'ES256' };
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/.well-known/jwks.json') return send(200, { keys: [jwk] });
      const id = decodeURIComponent((req.url ?? '').replace(/^\/clients\//, ''));
      lookups.push(id);
      void answer(id).then(({ status, body }) => send(status, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (lookups = []));

  const token = (sub: string, exp: number) => new SignJWT({ adm_source: 'cimd', adm_jkts: [] }).setProtectedHeader({ alg: 'ES256', kid: 'admit-1', typ: 'admission+jwt' }).setIssuer(ISSUER).setSubject(sub).setIssuedAt().setExpirationTime(exp).sign(signingKey);
  const admitted = async (clientId: string, expiresAt: number, sub = clientId) => ({
    status: 200,
    body: {
      client_id: clientId,
      client_id_issued_at: expiresAt - 600,
      client_id_expires_at: expiresAt,
      admission: await token(sub, expiresAt),
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'none',
      client_name: 'App',
      software_id: 'not-oidc-metadata',
      'https://vendor.example/ext': true,
    },
  });
  const admit = () => new AdmitClient({ baseUrl: base, issuer: ISSUER, retries: 1, retryBaseMs: 1 });
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('asks Admit at every lookup by default, and gives oidc-provider only client metadata', async () => {
    answer = (id) => admitted(id, inAnHour());
    const adapter = new AdmitClientAdapter(admit());
    const expected = { client_id: CLIENT, redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none', client_name: 'App' };
    expect(await adapter.find(CLIENT)).toStrictEqual(expected);
    expect(await adapter.find(CLIENT)).toStrictEqual(expected);
    expect(lookups).toEqual([CLIENT, CLIENT]);
    expect(adapter.cached).toBe(0);
  });

  it('finds nothing for a client Admit answers invalid_client, so oidc-provider answers invalid_client', async () => {
    answer = async () => ({ status: 404, body: { error: 'invalid_client', error_description: 'the client is revoked' } });
    expect(await new AdmitClientAdapter(admit()).find('s_revoked')).toBeUndefined();
  });

  it('fails, rather than finding nothing, when Admit cannot answer', async () => {
    answer = async () => ({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'try again' } });
    expect((await rejectedBy(AdmitError, new AdmitClientAdapter(admit()).find('s_x'))).code).toBe('temporarily_unavailable');
    expect(lookups).toHaveLength(2);
  });

  it('refuses an answer whose admission token is for another client', async () => {
    answer = (id) => admitted(id, inAnHour(), 's_someone-else');
    expect((await rejectedBy(AdmitError, new AdmitClientAdapter(admit()).find(CLIENT))).code).toBe('invalid_admission');
  });

  it('keeps a cached client no longer than cacheMs, nor past its admission', async () => {
    let now = Date.now();
    const expiresAt = Math.floor(now / 1000) + 120;
    answer = (id) => admitted(id, expiresAt);
    const adapter = new AdmitClientAdapter(admit(), { cacheMs: 60_000, now: () => now });
    await adapter.find(CLIENT);
    now += 59_000;
    await adapter.find(CLIENT);
    expect(lookups).toHaveLength(1);
    now += 2_000;
    await adapter.find(CLIENT);
    expect(lookups).toHaveLength(2);

    // An admission ending before cacheMs is over ends the cached copy with it.
    const shortAdapter = new AdmitClientAdapter(admit(), { cacheMs: 3_600_000, now: () => now });
    lookups = [];
    await shortAdapter.find(CLIENT);
    now = expiresAt * 1000;
    await shortAdapter.find(CLIENT);
    expect(lookups).toHaveLength(2);
  });

  it('never stores a client: upsert throws', async () => {
    await expect(new AdmitClientAdapter(admit()).upsert()).rejects.toThrow('clients are registered at Admit, not in the authorization server');
  });

  it('configures oidc-provider: clients from Admit, its own registration and CIMD fetch off, discovery pointing at Admit', () => {
    const configuration = admitProviderConfiguration({ admit: admit(), admitUrl: 'http://127.0.0.1:8080/' });
    expect(configuration.adapter('Client')).toBe(configuration.clients);
    expect(configuration.adapter('Session')).not.toBe(configuration.clients);
    expect(configuration.features).toEqual({ registration: { enabled: false }, registrationManagement: { enabled: false }, clientIdMetadataDocument: { enabled: false } });
    expect(configuration.discovery).toEqual({ registration_endpoint: 'http://127.0.0.1:8080/register', client_id_metadata_document_supported: true });
  });

  it('serves RFC 8414 metadata as the OpenID discovery document', () => {
    const seen: string[] = [];
    const handler = withAuthorizationServerMetadata((req) => seen.push(req.url ?? ''));
    for (const url of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server?x=1', '/auth?client_id=a']) {
      handler({ url } as IncomingMessage, {} as ServerResponse);
    }
    expect(seen).toEqual(['/.well-known/openid-configuration', '/.well-known/openid-configuration', '/auth?client_id=a']);
  });
});
