// Real: everything (the contract's query schemas, checked by @admit/platform's schemaFault); nothing stubbed.
import { AuditEventsQuery, AuditIncidentsQuery, AuditTimelineQuery, Topic } from '@admit/contracts';
import { AuditErrorCode } from '../audit-error';
import { linkPoints } from './checkpoint-params';
import { checkedQuery, filtersAndPage, reportWindow, timeWindow } from './query-params';

const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
const refusal = (message: string | RegExp) => expect.objectContaining({ code: AuditErrorCode.QueryInvalid, message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('checkedQuery (the console and the CLI check their queries with the API schemas)', () => {
  it('passes a query its schema accepts through unchanged', () => {
    const query = { client_id: 'c_1', type: Topic.AccessChecked, limit: '10' };
    expect(checkedQuery(AuditEventsQuery, query)).toBe(query);
  });

  it.each([
    ['AuditEventsQuery', { clientId: 'x' }, AuditEventsQuery, '/clientId: unknown parameter; allowed: client_id, type, from, to, anchor, origin, jkt, decision, policy_version, limit, cursor'],
    ['AuditEventsQuery', { type: ['a', 'b'] }, AuditEventsQuery, '/type: may be given once'],
    ['AuditEventsQuery', { decision: 'maybe' }, AuditEventsQuery, '/decision: must be one of allow, deny'],
    ['AuditEventsQuery', { from: '2026-01-01T00:00:00' }, AuditEventsQuery, "/from: Expected string to match 'date-time' format"],
    ['AuditTimelineQuery', { limit: '0' }, AuditTimelineQuery, "/limit: Expected string to match '^(1000|[1-9][0-9]{0,2})$'"],
    ['AuditIncidentsQuery', { limit: '201' }, AuditIncidentsQuery, "/limit: Expected string to match '^(200|1[0-9]{2}|[1-9][0-9]?)$'"],
  ])('%s refuses %j with ERR_AUDIT_QUERY_INVALID', (_name, input, schema, message) => {
    expect(() => checkedQuery(schema, input)).toThrow(refusal(message));
  });
});

describe('timeWindow', () => {
  it('spells both ends in UTC and leaves other filters and absent ends alone', () => {
    expect(timeWindow({ client_id: 'c_1', from: '2026-01-01T01:00:00+01:00', to: undefined })).toEqual({ client_id: 'c_1', from: '2026-01-01T00:00:00.000Z' });
  });

  it.each([
    ['a day that does not exist', { to: '2026-02-31T00:00:00Z' }, 'to must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z'],
    ['month 13', { from: '2026-13-01T00:00:00Z' }, 'from must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z'],
    ['hour 25', { from: '2026-01-01T25:00:00Z' }, 'from must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z'],
    ['from after to', { from: WINDOW.to, to: WINDOW.from }, 'from must be before to'],
    ['from equal to to, spelt otherwise', { from: '2026-01-01T01:00:00+01:00', to: '2026-01-01T00:00:00Z' }, 'from must be before to'],
  ])('refuses %s with ERR_AUDIT_QUERY_INVALID', (_what, input, message) => {
    expect(() => timeWindow(input)).toThrow(refusal(message));
  });
});

describe('filtersAndPage', () => {
  it('splits the filters from the page, with the default limit when none is given', () => {
    expect(filtersAndPage({ client_id: 'c_1', from: '2026-01-01T01:00:00+01:00' })).toEqual({ filters: { client_id: 'c_1', from: '2026-01-01T00:00:00.000Z' }, page: { limit: 100 } });
    expect(filtersAndPage({ anchor: 'acme', limit: '200', cursor: 'abc' }, 50)).toEqual({ filters: { anchor: 'acme' }, page: { limit: 200, cursor: 'abc' } });
    const incident: AuditIncidentsQuery = { anchor: 'acme' };
    expect(filtersAndPage(incident, 50).page).toEqual({ limit: 50 });
  });

  it('checks the window', () => {
    expect(() => filtersAndPage({ ...WINDOW, from: WINDOW.to })).toThrow(refusal('from must be before to'));
  });
});

describe('reportWindow', () => {
  it('takes both ends, in UTC; format may be given', () => {
    expect(reportWindow({ from: '2026-01-01T01:00:00+01:00', to: WINDOW.to, format: 'html' })).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
  });

  it.each([
    ['no window', {}, '/from: Expected required property'],
    ['only from', { from: WINDOW.from }, '/to: Expected required property'],
    ['an unknown format', { ...WINDOW, format: 'pdf' }, '/format: must be one of json, html'],
    ['a cursor', { ...WINDOW, cursor: 'x' }, '/cursor: unknown parameter; allowed: from, to, format'],
    ['a day that does not exist', { ...WINDOW, from: '2026-02-31T00:00:00Z' }, /^from must be an RFC 3339 date-time/],
    ['from after to', { from: WINDOW.to, to: WINDOW.from }, 'from must be before to'],
  ])('refuses %s with ERR_AUDIT_QUERY_INVALID', (_what, input, message) => {
    expect(() => reportWindow(input)).toThrow(refusal(message));
  });
});

describe('linkPoints', () => {
  it('reads the <topic>:<partition>:<position> positions AuditLinksQuery accepted', () => {
    expect(linkPoints('admit.dlq.v1:0:1,test-x.admit.revocations.v1:11:42')).toEqual([
      { topic: 'admit.dlq.v1', partition: 0, position: 1 },
      { topic: 'test-x.admit.revocations.v1', partition: 11, position: 42 },
    ]);
  });
});
