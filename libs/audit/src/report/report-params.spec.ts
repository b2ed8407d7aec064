// Real: everything (parseQuery's checks); nothing stubbed.
import { AuditErrorCode } from '../audit-error';
import { parseReportQuery } from './report-params';

const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };

describe('parseReportQuery', () => {
  it('takes a window, JSON by default, and normalises the instants', () => {
    expect(parseReportQuery(WINDOW)).toEqual({ window: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }, format: 'json' });
    expect(parseReportQuery({ ...WINDOW, format: 'html' }).format).toBe('html');
  });

  it.each([
    ['no window', {}, /from and to are both required/],
    ['only from', { from: WINDOW.from }, /from and to are both required/],
    ['an unknown format', { ...WINDOW, format: 'pdf' }, /format must be json or html/],
    ['a repeated format', { ...WINDOW, format: ['json', 'html'] }, /format must be json or html/],
    ['a limit', { ...WINDOW, limit: '10' }, /unknown parameter "limit"/],
    ['a cursor', { ...WINDOW, cursor: 'x' }, /unknown parameter "cursor"/],
    ['another filter', { ...WINDOW, client_id: 'c' }, /unknown parameter "client_id"/],
    ['a day that does not exist', { ...WINDOW, from: '2026-02-31T00:00:00Z' }, /RFC 3339/],
    ['from after to', { from: WINDOW.to, to: WINDOW.from }, /from must be before to/],
  ])('refuses %s with ERR_AUDIT_QUERY_INVALID', (_what, input, message) => {
    expect(() => parseReportQuery(input as Record<string, unknown>)).toThrow(expect.objectContaining({ code: AuditErrorCode.QueryInvalid, message: expect.stringMatching(message) }));
  });
});
