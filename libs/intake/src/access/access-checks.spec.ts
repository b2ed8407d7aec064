// Real: AccessChecks, AdmissionCache, RevocationSet, ClientAssertions and the repo's policies/ under
// Cedar. Stubbed: the DecisionPipeline (it records the request a renewal sends and decides nothing)
// and the Publisher (it records the access-checked events).
import { Publisher } from '@admit/bus';
import { ActivePolicy, PolicySet } from '@admit/cedar';
import { RegistrationRequested } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { join } from 'node:path';
import { DecisionPipeline } from '../pipeline/decision-pipeline';
import { AccessChecks } from './access-checks';
import { AdmissionCache } from './admission-cache';
import { ClientAssertions } from './client-assertion';

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
    const policies = PolicySet.load(join(__dirname, '..', '..', '..', '..', 'policies'));
    const active = { version: policies.version, current: () => policies } as unknown as ActivePolicy;
    const publisher = { publish: async () => undefined } as unknown as Publisher;
    const fetcher = { fetch: async () => Promise.reject(new Error('no network in this test')) };
    const checks = new AccessChecks(new AdmissionCache(revocations), revocations, active, pipeline, new ClientAssertions({ issuer: 'https://admit.test', fetcher }), publisher);

    const answer = await checks.check({ client_id: CLIENT, action: 'deploy', context: { sensitivity: 'sensitive' } });
    expect(answer).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_FETCH_STATUS' }] });
    expect(sent).toEqual([{ client_id: CLIENT, source: 'cimd', fresh: true, received_at: expect.any(String) }]);
  });
});
