// Real: AdmissionCache and RevocationSet. Stubbed: nothing.
import { RegistrationDecided, Revocation } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { allowDecision, EVIDENCE } from '../testing/fixtures';
import { AdmissionCache } from './admission-cache';

const allow = () => allowDecision({ anchor: 'directory', software_id: 'acme' }, { client_id: 's_victim' });

function deny(code: string): RegistrationDecided {
  return { client_id: 's_victim', decision: 'deny', policy_version: `sha256:${'3'.repeat(64)}`, determining_policies: [], reasons: [{ code, description: 'x' }], error: 'invalid_software_statement', decided_at: new Date().toISOString() };
}

describe('AdmissionCache', () => {
  it('a failing request for a live client cannot evict its admission', () => {
    const cache = new AdmissionCache(new RevocationSet());
    cache.record(allow());
    cache.record(deny('ERR_STATEMENT_SUPERSEDED'));
    cache.record(deny('invalid_redirect_uri'));
    expect(cache.get('s_victim')?.admission.evidence_sha256).toBe(EVIDENCE);
  });

  it('a revocation still ends the admission', () => {
    const revocations = new RevocationSet();
    const cache = new AdmissionCache(revocations);
    cache.record(allow());
    const revocation: Revocation = { id: 'r1', kind: 'client_id', value: 's_victim', reason: 'stolen', actor: 'ops', created_at: new Date().toISOString() };
    revocations.apply('client_id:s_victim', revocation);
    expect(cache.get('s_victim')).toBeUndefined();
  });

  it('an intermediate revocation ends the admission of every federation leaf below it', () => {
    const revocations = new RevocationSet();
    const cache = new AdmissionCache(revocations);
    const leaf = 'https://leaf.fed.example';
    const intermediates = ['https://intermediate.fed.example'];
    cache.record(allowDecision({ source: 'federation', anchor: 'fed', intermediates }, { client_id: leaf }));
    revocations.apply('intermediate:https://other.fed.example', { id: 'r0', kind: 'intermediate', value: 'https://other.fed.example', reason: 'other', actor: 'ops', created_at: new Date().toISOString() });
    expect(cache.get(leaf)).toBeDefined();
    revocations.apply('intermediate:https://intermediate.fed.example', { id: 'r1', kind: 'intermediate', value: intermediates[0], reason: 'cut', actor: 'ops', created_at: new Date().toISOString() });
    expect(cache.get(leaf)).toBeUndefined();
  });

  it('renews an https client id the way this instance admitted it: by federation only when it named that source', () => {
    const cache = new AdmissionCache(new RevocationSet(), 10, () => Date.parse('2026-12-01T00:00:00Z'));
    const named = 'https://rp.example';
    cache.keepRequest(named, { client_id: named, source: 'openid_federation', received_at: '2026-12-01T00:00:00.000Z' });
    expect(cache.urlRequest(named, true)).toEqual({ client_id: named, source: 'openid_federation', fresh: true, received_at: '2026-12-01T00:00:00.000Z' });
    expect(cache.urlRequest('https://app.example/c.json', false)).toEqual({ client_id: 'https://app.example/c.json', source: 'cimd', received_at: '2026-12-01T00:00:00.000Z' });
  });
});
