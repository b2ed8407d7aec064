// Real: the classifier. Errors are built the way pg and TypeORM shape them.
import { isTransientDatabaseError } from './transient-errors';

describe('isTransientDatabaseError', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['an administrator shutdown (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a database refusing connections (55000)', Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' })],
    ['a connection failure wrapped by TypeORM (08006)', Object.assign(new Error('query failed'), { driverError: { code: '08006' } })],
    ['too many connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
  ])('treats %s as transient', (_what, err) => {
    expect(isTransientDatabaseError(err)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error (42601)', Object.assign(new Error('syntax error'), { driverError: { code: '42601' } })],
    ['invalid JSON text (22P02)', Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' })],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['not an error at all', 'boom'],
    ['nothing', undefined],
  ])('treats %s as a real failure', (_what, err) => {
    expect(isTransientDatabaseError(err)).toBe(false);
  });
});
