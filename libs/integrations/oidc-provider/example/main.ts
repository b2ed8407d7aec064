/**
 * `npm run example:oidc-provider`: embedded Admit and oidc-provider made stateless by
 * @admit/oidc-provider, both on loopback, then what to try. Admit runs with the default policies plus
 * the example that admits self-asserted metadata, so a plain `POST /register` works; Ctrl-C stops both.
 */
import { selfAssertedPolicyDir, startEmbedded } from '@admit/launcher';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuthorizationServer } from './authorization-server';

const ADMIT_ISSUER = 'https://admit.example';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'admit-oidc-example-'));
  const policies = selfAssertedPolicyDir();
  const admit = await startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0', ADMIT_LOG_LEVEL: 'warn', ADMIT_ISSUER, ADMIT_POLICY_DIR: policies.dir } });
  const as = await startAuthorizationServer({ admitUrl: admit.intakeUrl, admitIssuer: ADMIT_ISSUER });
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  // The development admin token embedded mode wrote: named by its file, never printed.
  const adminTokenFile = join(dataDir, 'admin-token');
  const authorize = `${as.issuer}/auth?client_id=<client_id>&redirect_uri=https://app.example/cb&response_type=code&scope=openid&code_challenge=${challenge}&code_challenge_method=S256`;
  console.log(`
Admit (embedded):            ${admit.intakeUrl}
Authorization server:        ${as.issuer}   (oidc-provider, no client records of its own)

1. Discovery points registration at Admit:
   curl -s ${as.issuer}/.well-known/oauth-authorization-server | grep -o '"registration_endpoint":"[^"]*"'

2. Register a public client at Admit (self-asserted metadata, admitted by the example policy):
   curl -s -XPOST ${admit.intakeUrl}/register -H 'content-type: application/json' \\
     -d '{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none","client_name":"try me"}'

3. What the AS sees at /authorize (the client id percent-encoded):
   curl -s ${admit.intakeUrl}/clients/<client_id>

4. Open in a browser (the sign-in is a stand-in for one demo account), and copy the code from the
   address https://app.example/cb?code=… it sends you to:
   ${authorize}

5. Exchange the code:
   curl -s -XPOST ${as.issuer}/token -d grant_type=authorization_code -d client_id=<client_id> \\
     -d redirect_uri=https://app.example/cb -d code_verifier=${verifier} -d code=<code>

6. Revoke the client at Admit, and step 4 answers invalid_client:
   curl -s -XPOST ${admit.intakeUrl}/revocations -H "authorization: Bearer $(cat ${adminTokenFile})" -H 'content-type: application/json' \\
     -d '{"kind":"client_id","value":"<client_id>","reason":"trying it"}'

Ctrl-C stops both.`);
  const stop = () => {
    void (async () => {
      await as.close();
      await admit.stop();
      policies.remove();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
