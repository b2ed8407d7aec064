// Real: everything; nothing stubbed.
import { Topic } from '@admit/contracts';
import { AuditErrorCode } from '../audit-error';
import { EVENT_FILTERS, parseQuery } from './query-params';

describe('parseQuery', () => {
  it('takes known filters, normalises times to UTC, and defaults the limit', () => {
    expect(parseQuery({ client_id: 'c_1', from: '2026-01-01T01:00:00+01:00', type: Topic.AccessChecked }, EVENT_FILTERS)).toEqual({
      filters: { client_id: 'c_1', from: '2026-01-01T00:00:00.000Z', type: Topic.AccessChecked },
      page: { limit: 100 },
    });
  });

  it.each([
    ['an unknown parameter', { clientId: 'x' }, 'unknown parameter "clientId"'],
    ['a repeated parameter', { type: ['a', 'b'] }, 'type may be given once'],
    ['a limit of 0', { limit: '0' }, 'limit must be an integer from 1 to 1000'],
    ['a limit that is not a number', { limit: '1e3' }, 'limit must be an integer from 1 to 1000'],
    ['a date without a zone', { from: '2026-01-01T00:00:00' }, 'from must be an RFC 3339 date-time'],
    ['an impossible date', { to: '2026-02-31T00:00:00Z' }, 'to must be an RFC 3339 date-time'],
    ['a decision other than allow or deny', { decision: 'maybe' }, 'decision must be allow or deny'],
    ['a policy version that is not a content hash', { policy_version: 'v1' }, 'policy_version must be sha256:<64 hex digits>'],
    ['a jkt of the wrong length', { jkt: 'abc' }, 'jkt must be an RFC 7638 SHA-256 thumbprint'],
    ['an empty client id', { client_id: '' }, 'client_id must be 1 to 2048 characters'],
    ['from not before to', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from must be before to'],
  ])('refuses %s', (_what, input, message) => {
    expect(() => parseQuery(input as Record<string, unknown>, EVENT_FILTERS)).toThrow(
      expect.objectContaining({ code: AuditErrorCode.QueryInvalid, message: expect.stringContaining(message) }),
    );
  });
});
