// Real: everything; nothing stubbed.
import { AuditErrorCode } from '../audit-error';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursors', () => {
  const query = { route: 'events', anchor: 'acme', decision: 'allow' };

  it('round-trips the sort key for the same query, whatever the key order of its filters', () => {
    const cursor = encodeCursor(['1234', 7], query);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, { decision: 'allow', route: 'events', anchor: 'acme' }, 2)).toEqual(['1234', 7]);
  });

  it('is refused for a query with other filters', () => {
    const cursor = encodeCursor(['1234'], query);
    expect(() => decodeCursor(cursor, { ...query, decision: 'deny' }, 1)).toThrow(
      expect.objectContaining({ code: AuditErrorCode.CursorInvalid, message: 'the cursor is not valid: it belongs to a query with other filters' }),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{not json').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['another version', Buffer.from(JSON.stringify({ v: 2, k: ['1'], q: 'x' })).toString('base64url')],
    ['a key of the wrong width', encodeCursor(['1', '2'], query)],
    ['a key that is an object', Buffer.from(JSON.stringify({ v: 1, k: [{}], q: 'x' })).toString('base64url')],
    ['a key that is an unsafe number', Buffer.from(JSON.stringify({ v: 1, k: [2 ** 60], q: 'x' })).toString('base64url')],
    ['a __proto__ body', Buffer.from('{"__proto__":{"v":1}}').toString('base64url')],
    ['huge', 'A'.repeat(5000)],
  ])('refuses a cursor that is %s', (_what, cursor) => {
    expect(() => decodeCursor(cursor, query, 1)).toThrow(expect.objectContaining({ code: AuditErrorCode.CursorInvalid }));
  });
});
