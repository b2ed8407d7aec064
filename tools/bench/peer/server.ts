/**
 * The peer: `oidc-provider` 9.x with open dynamic registration (RFC 7591 at `POST /reg`), its
 * built-in in-memory adapter and otherwise default settings, in a process of its own so the bench
 * loads it over loopback and reads its memory like Admit's. Prints `listening on <url>` when ready.
 */
import { generateKeyPair, exportJWK } from 'jose';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

async function main(): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Its own signing key (RS256, the default ID token algorithm), not the development keys.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    features: { registration: { enabled: true }, devInteractions: { enabled: false } },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'peer', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['admit-bench-peer-cookie-key'] },
  });
  server.on('request', provider.callback());
  console.log(`listening on ${issuer}`);
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
