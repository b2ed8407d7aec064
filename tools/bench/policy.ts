import { decideRegistration, PolicySet } from '@admit/cedar';
import { EventData, Topic } from '@admit/contracts';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { REPO_POLICIES } from '@admit/launcher';
import { Figure, figure, timeSequential } from './figures';

const COUNT = 20_000;

/**
 * Registration decisions/s through decideRegistration() (building the Cedar request, the advisory
 * flags query, the admission and its evidence digest) under the default policies, against raw
 * statefulIsAuthorized on the same preparsed set with the same question and every client attribute,
 * measured in the same run.
 */
export async function policyFigures(): Promise<Figure[]> {
  const set = PolicySet.load(REPO_POLICIES);
  const now = new Date();
  const validated = (i: number): EventData<typeof Topic.RegistrationValidated> => ({
    client_id: `https://bench.example/clients/${i}.json`,
    source: 'cimd',
    outcome: 'valid',
    metadata: { redirect_uris: ['https://bench.example/cb'], grant_types: ['authorization_code'], scope: 'openid tools' },
    errors: [],
    evidence: { document: { url: `https://bench.example/clients/${i}.json`, sha256: 'a'.repeat(64), fetched_at: now.toISOString(), status: 200, cache_ttl_s: 3600 } },
    origin: 'https://bench.example',
    jkts: [],
    validated_at: now.toISOString(),
  });
  const inputs = Array.from({ length: COUNT }, (_, i) => validated(i));
  const decide = (i: number) => {
    if (decideRegistration(set, inputs[i], now).decision !== 'allow') throw new Error('bench registration was not allowed');
  };
  // The raw call gets the registration question with every client attribute, prepared beforehand, on
  // the whole set preparsed once: only Cedar is timed. decideRegistration() sends only the attributes
  // the policies that may apply read (PolicySet.registrationReads), to a set of only those policies
  // (PolicySet questions), so its ratio counts what both save.
  const whole = `bench-whole-${set.version}`;
  const parsed = cedar.preparsePolicySet(whole, { staticPolicies: set.files.files.map((f) => f.text).join('\n') });
  if (parsed.type !== 'success') throw new Error('the default policies did not preparse');
  const requests = inputs.map((v) => ({
    principal: { type: 'Admit::Client', id: v.client_id },
    action: { type: 'Admit::Action', id: 'register' },
    resource: { type: 'Admit::Registry', id: 'admit' },
    context: { now: Math.floor(now.getTime() / 1000), admission_age_s: 0, sensitivity: 'normal', client_assertion: 'absent' },
    entities: [
      {
        uid: { type: 'Admit::Client', id: v.client_id },
        attrs: { source: 'cimd', origin: 'https://bench.example', grant_types: ['authorization_code'], scopes: ['openid', 'tools'], redirect_hosts: ['bench.example'], loopback_redirects_only: false, jkts: [], validated_at: Math.floor(now.getTime() / 1000) },
        parents: [],
      },
    ],
    preparsedPolicySetId: whole,
  }));
  const raw = (i: number) => {
    const answer = cedar.statefulIsAuthorized(requests[i]);
    if (answer.type !== 'success' || answer.response.decision !== 'allow') throw new Error('raw Cedar did not allow');
  };
  await timeSequential(2_000, decide); // JIT warm-up
  await timeSequential(2_000, raw);
  const decided = await timeSequential(COUNT, decide);
  const direct = await timeSequential(COUNT, raw);
  return [
    figure('policy decision, registration (decideRegistration)', decided.latencies, { rate: decided.rate, ratio: { to: 'raw Cedar statefulIsAuthorized', value: decided.rate / direct.rate } }),
    figure('raw Cedar statefulIsAuthorized, preparsed (reference)', direct.latencies, { rate: direct.rate }),
  ];
}
