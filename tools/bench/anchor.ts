import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchAnchor {
  /** ADMIT_TRUST_ANCHORS_FILE: one anchor whose key is inline, so nothing is fetched. */
  file: string;
  /** A new ES256 software statement for `softwareId`, valid for an hour. */
  sign(softwareId: string): Promise<string>;
  remove(): void;
}

const ISSUER = 'https://directory.bench.example';

export async function createBenchAnchor(): Promise<BenchAnchor> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' };
  const dir = mkdtempSync(join(tmpdir(), 'admit-bench-anchors-'));
  const file = join(dir, 'anchors.yaml');
  const anchor = ['anchors:', '  - id: bench-directory', `    issuer: ${ISSUER}`, '    algorithms: [ES256]', '    max_age_s: 3600', '    required_claims: [software_id]'];
  writeFileSync(file, [...anchor, `    jwks: ${JSON.stringify({ keys: [jwk] })}`, ''].join('\n'));
  return {
    file,
    sign: (softwareId) =>
      new SignJWT({ iss: ISSUER, software_id: softwareId, client_name: `Bench ${softwareId}`, redirect_uris: ['https://bench.example/cb'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'bench-1' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
