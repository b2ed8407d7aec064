// Real: AccessChecks with its DecisionCache, AdmissionCache, RevocationSet, ActivePolicy with the
// repo's default policies plus one test policy (Cedar wasm). Stubbed: the Publisher (it records what
// is published), the pipeline (nothing here is renewed) and client assertions (none are sent).
// Date.now is held inside one second, so every check below could be answered from the cache.
import { BrokerStoredEvents, Publisher } from '@admit/bus';
import { ActivePolicy, PolicySet } from '@admit/cedar';
import { RegistrationDecided } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { join } from 'node:path';
import { DecisionPipeline } from '../pipeline/decision-pipeline';
import { AccessChecks } from './access-checks';
import { AdmissionCache } from './admission-cache';
import { ClientAssertions } from './client-assertion';
import { WorkloadProofs } from './workload-proofs';

const defaults = PolicySet.load(join(__dirname, '..', '..', '..', '..', 'policies'));
const withBlockedScope = PolicySet.fromFiles({
  schema: defaults.files.schema,
  files: [
    ...defaults.files.files,
    {
      name: 'blocked-scope.cedar',
      text: '@id("blocked-scope")\n@reason("the client holds the blocked scope")\nforbid (principal, action in Admit::Action::"access", resource) when { principal.scopes.contains("blocked") };\n',
    },
  ],
});

const NOW = Math.floor(Date.now() / 1000) * 1000 + 500;

function admitted(scope: string, validatedAt = new Date(NOW - 5_000).toISOString()): RegistrationDecided {
  return {
    client_id: 's_cached',
    decision: 'allow',
    policy_version: defaults.version,
    determining_policies: ['register-software-statement'],
    reasons: [],
    metadata: { redirect_uris: ['https://app.example/cb'], scope },
    admission: { source: 'software_statement', anchor: 'directory', software_id: 'app', jkts: [], evidence_sha256: 'ab'.repeat(32), validated_at: validatedAt, expires_at: new Date(NOW + 600_000).toISOString(), flags: [] },
    decided_at: validatedAt,
  };
}

describe('access decisions from the cache', () => {
  let checks: AccessChecks;
  let admissions: AdmissionCache;
  let revocations: RevocationSet;
  let policy: ActivePolicy;
  const check = () => checks.check({ client_id: 's_cached', action: 'read_files' });

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    revocations = new RevocationSet();
    revocations.markReady();
    policy = new ActivePolicy();
    policy.apply('active', { data: defaults.toPublished() });
    admissions = new AdmissionCache(revocations);
    const publisher = { publish: async () => ({ id: 'event' }) } as unknown as Publisher;
    const pipeline = { decide: () => Promise.reject(new Error('not expected')) } as unknown as DecisionPipeline;
    checks = new AccessChecks(admissions, revocations, policy, pipeline, {} as ClientAssertions, publisher, new BrokerStoredEvents(), {} as WorkloadProofs);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a repeated check without asking Cedar again, with the same decision', async () => {
    admissions.record(admitted('read'));
    const cedar = jest.spyOn(PolicySet.prototype, 'isAuthorized');
    const first = await check();
    const again = await check();
    expect(cedar).toHaveBeenCalledTimes(1);
    expect(again).toEqual({ ...first, check_id: again.check_id });
    expect(first.decision).toBe('allow');
  });

  it('a revocation: the very next check is denied as revoked', async () => {
    admissions.record(admitted('read'));
    expect((await check()).decision).toBe('allow');
    revocations.apply('client_id:s_cached', { id: 'r1', kind: 'client_id', value: 's_cached', reason: 'test', actor: 'ops', created_at: new Date(NOW).toISOString() });
    const next = await check();
    expect(next.decision).toBe('deny');
    expect(next.reasons.map((r) => r.code)).toEqual(['revoked:client_id']);
  });

  it('a policy change: the very next check is decided under the new version', async () => {
    admissions.record(admitted('blocked'));
    expect((await check()).decision).toBe('allow');
    policy.apply('active', { data: withBlockedScope.toPublished() });
    const next = await check();
    expect(next.decision).toBe('deny');
    expect(next.reasons.map((r) => r.code)).toEqual(['policy:blocked-scope']);
  });

  it('an admission renewal: the very next check is decided on the new admission', async () => {
    policy.apply('active', { data: withBlockedScope.toPublished() });
    admissions.record(admitted('blocked'));
    expect((await check()).decision).toBe('deny');
    admissions.record(admitted('read', new Date(NOW - 2_000).toISOString()));
    const next = await check();
    expect(next.decision).toBe('allow');
    expect(next.admission_age_s).toBe(1);
  });
});
