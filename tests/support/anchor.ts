import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A trust anchor of a suite's own: an ES256 key (`kid` dir-1) and an anchors file naming its public half. */
export interface TestAnchor {
  file: string;
  privateKey: CryptoKey;
  remove(): void;
}

export async function createTestAnchor(issuer: string): Promise<TestAnchor> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'dir-1', alg: 'ES256', use: 'sig' };
  const dir = mkdtempSync(join(tmpdir(), 'admit-anchors-'));
  const file = join(dir, 'anchors.yaml');
  const lines = ['anchors:', '  - id: directory', `    issuer: ${issuer}`, '    algorithms: [ES256]', '    max_age_s: 3600', '    required_claims: [software_id]'];
  writeFileSync(file, [...lines, `    jwks: ${JSON.stringify({ keys: [jwk] })}`].join('\n'));
  return { file, privateKey, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
