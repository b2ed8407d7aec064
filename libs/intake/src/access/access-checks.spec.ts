// Real: AccessChecks, AdmissionCache, RevocationSet, ActivePolicy with the repo's default policies
// (Cedar wasm), and each event checked against its contract. Stubbed: the Publisher (it records what
// is published), the pipeline (it decides nothing; one spec records the renewal request it is sent)
// and the client assertions (a real ClientAssertions, with a fetcher that reaches nothing).
import { BrokerStoredEvents, Publisher } from '@admit/bus';
import { ActivePolicy, PolicySet } from '@admit/cedar';
import { checkEventData, EventData, RegistrationRequested, Topic } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { join } from 'node:path';
import { DecisionPipeline } from '../pipeline/decision-pipeline';
import { AccessChecks } from './access-checks';
import { AdmissionCache } from './admission-cache';
import { ClientAssertions } from './client-assertion';
import { WorkloadProofs } from './workload-proofs';
import { TestingJtis } from './testing-jtis';

type Checked = EventData<typeof Topic.AccessChecked>;

const policies = PolicySet.load(join(__dirname, '..', '..', '..', '..', 'policies'));

describe('AccessChecks', () => {
  let published: Checked[];
  let revocations: RevocationSet;
  let checks: AccessChecks;

  beforeEach(() => {
    published = [];
    revocations = new RevocationSet();
    revocations.markReady();
    const policy = new ActivePolicy();
    policy.apply('active', { data: policies.toPublished() });
    const publisher = {
      publish: async (topic: Topic, data: Checked) => {
        expect(checkEventData(topic, data)).toBeNull();
        published.push(structuredClone(data));
        return { id: `event-${published.length}` };
      },
    } as unknown as Publisher;
    const pipeline = { decide: () => Promise.reject(new Error('not expected')) } as unknown as DecisionPipeline;
    const assertions = {} as ClientAssertions;
    checks = new AccessChecks(new AdmissionCache(revocations), revocations, policy, pipeline, assertions, publisher, new BrokerStoredEvents(), {} as WorkloadProofs);
  });

  it('audit flooding: checks of an unknown client become one event per window with their count, published when the window ends', async () => {
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await checks.check({ client_id: 'c_unknown', action: `tools/call:${i}` }));
    await checks.check({ client_id: 'c_other', action: 'read' });
    expect(published).toEqual([]);
    expect(new Set(answers.map((a) => a.check_id)).size).toBe(1);
    expect(answers[0]).toEqual({ decision: 'deny', reasons: [{ code: 'ERR_NOT_ADMITTED', description: expect.any(String) }], check_id: expect.any(String), admission_age_s: null });

    await checks.beforeApplicationShutdown();
    expect(published).toHaveLength(2);
    const unknown = published.find((e) => e.client_id === 'c_unknown');
    expect(unknown).toMatchObject({ check_id: answers[0].check_id, count: 25, action: 'tools/call:0', decision: 'deny', path: 'pipeline' });
    expect(Date.parse(unknown?.first_checked_at ?? '')).toBeLessThanOrEqual(Date.parse(unknown?.checked_at ?? ''));
    expect(published.find((e) => e.client_id === 'c_other')).toMatchObject({ count: 1 });
  });

  it('revocation-note leak: the caller gets revoked:<kind>, the published event keeps the reason', async () => {
    const reason = 'key leaked by contractor bob@corp, incident INC-4711';
    revocations.apply('client_id:c_revoked', { id: 'r1', kind: 'client_id', value: 'c_revoked', reason, actor: 'ops', created_at: new Date().toISOString() });
    const answer = await checks.check({ client_id: 'c_revoked', action: 'read' });
    expect(answer.reasons).toEqual([{ code: 'revoked:client_id', description: 'revoked:client_id: the client is revoked; the reason is in the audit trail' }]);
    expect(JSON.stringify(answer)).not.toContain('INC-4711');
    // A revoked client is known: its checks are published one by one, with the reason, at once.
    expect(published).toEqual([expect.objectContaining({ check_id: answer.check_id, reasons: [{ code: 'revoked:client_id', description: `revoked: ${reason}` }] })]);
    expect(published[0]).not.toHaveProperty('count');
  });
});

const CLIENT = 'https://client.example/app.json';

describe('AccessChecks renewing an admission', () => {
  it('a freshness re-check asks for the metadata document to be fetched again, not served from the cache', async () => {
    const sent: RegistrationRequested[] = [];
    const pipeline = {
      decide: async (request: RegistrationRequested) => {
        sent.push(request);
        return { data: { client_id: CLIENT, decision: 'deny', reasons: [{ code: 'ERR_FETCH_STATUS', description: 'gone' }] } };
      },
    } as unknown as DecisionPipeline;
    const revocations = new RevocationSet();
    revocations.markReady();
    const active = { version: policies.version, current: () => policies } as unknown as ActivePolicy;
    const publisher = { publish: async () => ({ id: 'event' }) } as unknown as Publisher;
    const fetcher = { fetch: async () => Promise.reject(new Error('no network in this test')) };
    const checks = new AccessChecks(new AdmissionCache(revocations), revocations, active, pipeline, new ClientAssertions({ issuer: 'https://admit.test', fetcher, jtis: new TestingJtis() }), publisher, new BrokerStoredEvents(), {} as WorkloadProofs);

    const answer = await checks.check({ client_id: CLIENT, action: 'deploy', context: { sensitivity: 'sensitive' } });
    expect(answer).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_FETCH_STATUS' }] });
    expect(sent).toEqual([{ client_id: CLIENT, source: 'cimd', fresh: true, received_at: expect.any(String) }]);
  });
});
