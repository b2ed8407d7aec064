/**
 * oidc-provider 9.x as a stateless authorization server on Admit: every client comes from Admit
 * (`@admit/oidc-provider`). Sign-in is a stand-in that admits one demo account without a password
 * (an example, not a login page). Run directly, it reads ADMIT_URL, ADMIT_ISSUER and AS_PORT and
 * prints `listening on <issuer>`.
 */
import { AdmitClient } from '@admit/client';
import { admitProviderConfiguration, withAuthorizationServerMetadata } from '@admit/oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const DEMO_ACCOUNT = 'demo-user';

export interface AuthorizationServer {
  issuer: string;
  close(): Promise<void>;
}

export async function startAuthorizationServer(options: { admitUrl: string; admitIssuer?: string; port?: number }): Promise<AuthorizationServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admit = new AdmitClient({ baseUrl: options.admitUrl, issuer: options.admitIssuer });
  const stateless = admitProviderConfiguration({ admit, admitUrl: options.admitUrl });
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    adapter: stateless.adapter,
    discovery: stateless.discovery,
    features: { ...stateless.features, devInteractions: { enabled: false } },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'as-1', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    pkce: { required: () => true },
  });
  const oidc = withAuthorizationServerMetadata(provider.callback());
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').startsWith('/interaction/')) void signIn(provider, req, res);
    else oidc(req, res);
  });
  return { issuer, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** The stand-in sign-in: the demo account, consenting to the scopes asked for. */
async function signIn(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const { params } = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: DEMO_ACCOUNT, clientId: params.client_id });
    grant.addOIDCScope(params.scope ?? 'openid');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: DEMO_ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

if (require.main === module) {
  const admitUrl = process.env.ADMIT_URL ?? 'http://127.0.0.1:8080';
  startAuthorizationServer({ admitUrl, admitIssuer: process.env.ADMIT_ISSUER, port: Number(process.env.AS_PORT ?? 0) })
    .then((as) => {
      console.log(`listening on ${as.issuer}`);
      const stop = () => void as.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
