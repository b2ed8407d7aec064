import { Admission, RegistrationDecided } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionTokens } from '../admission-token/admission-tokens';

export const EVIDENCE = 'ef'.repeat(32);

/** An allow of `s_abc` by a software statement, valid for ten minutes from now; `admission` null drops the admission. */
export function allowDecision(admission: Partial<Admission> | null = {}, extra: Partial<RegistrationDecided> = {}): RegistrationDecided {
  const now = new Date().toISOString();
  return {
    client_id: 's_abc',
    decision: 'allow',
    policy_version: `sha256:${'3'.repeat(64)}`,
    determining_policies: ['register-software-statement'],
    reasons: [],
    metadata: { redirect_uris: ['https://app.example/cb'] },
    ...(admission && {
      admission: { source: 'software_statement', jkts: [], evidence_sha256: EVIDENCE, validated_at: now, expires_at: new Date(Date.now() + 600_000).toISOString(), flags: [], ...admission },
    }),
    decided_at: now,
    ...extra,
  };
}

/** Admission tokens of `https://admit.example`, signed with a key generated in a temporary folder for the enclosing describe. */
export function testAdmissionTokens(): { dir: string; keys: SigningKeys; tokens: AdmissionTokens } {
  const harness = {} as { dir: string; keys: SigningKeys; tokens: AdmissionTokens };
  beforeAll(async () => {
    harness.dir = mkdtempSync(join(tmpdir(), 'admit-tokens-'));
    harness.keys = await SigningKeys.load({ dataDir: harness.dir });
    harness.tokens = new AdmissionTokens(harness.keys, { issuer: 'https://admit.example' });
  });
  afterAll(() => rmSync(harness.dir, { recursive: true, force: true }));
  return harness;
}
