// Real: checkRevoked. Stubbed: the revocations, a map from client id to revocation.
import { Revocation } from '@admit/contracts';
import { checkRevoked } from './check-revoked';

const revocation = (reason: string): Revocation => ({ id: 'r1', kind: 'jkt', value: 'k1', reason, actor: 'admin', created_at: '2026-01-01T00:00:00.000Z' });
const revocations = (byClient: Record<string, Revocation>) => ({ match: (subject: { client_id: string }) => byClient[subject.client_id] });

describe('checkRevoked', () => {
  it('answers the revoked:<kind> reason for a revoked subject, and nothing for another', () => {
    const set = revocations({ c_1: revocation('key leaked') });
    expect(checkRevoked(set, { client_id: 'c_1' })).toEqual({ code: 'revoked:jkt', description: 'revoked: key leaked' });
    expect(checkRevoked(set, { client_id: 'c_2' })).toBeUndefined();
  });

  it('bounds the description to 2048 characters', () => {
    const reason = checkRevoked(revocations({ c_1: revocation('x'.repeat(2048)) }), { client_id: 'c_1' });
    expect(reason?.description).toBe(`revoked: ${'x'.repeat(2039)}`);
  });
});
