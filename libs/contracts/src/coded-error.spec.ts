// Real: CodedError, its one-code classes and RequestError; nothing stubbed.
import { CodedError, RequestError } from './coded-error';

class WithCodes extends CodedError<'ERR_A' | 'ERR_B'> {}
class OneCode extends CodedError.with('ERR_ONE') {}

describe('CodedError', () => {
  it('keeps its code, message and cause, and takes its class name', () => {
    const cause = new Error('the socket closed');
    const err = new WithCodes('ERR_B', 'it failed', { cause });
    expect([err.code, err.message, err.cause, err.name, err instanceof Error]).toEqual(['ERR_B', 'it failed', cause, 'WithCodes', true]);
  });

  it('a class made by with() has its one code and its own name', () => {
    const err = new OneCode('no');
    expect([err.code, err.message, err.name, err instanceof CodedError, String(err)]).toEqual(['ERR_ONE', 'no', 'OneCode', true, 'OneCode: no']);
  });

  it('a RequestError carries what its answer needs, nothing by default', () => {
    expect(new RequestError('invalid_request', 'bad').details).toEqual({});
    expect(new RequestError('ERR_X', 'later', { retryAfterS: 5, members: { revocation_id: 'r1' } })).toMatchObject({ name: 'RequestError', code: 'ERR_X', details: { retryAfterS: 5, members: { revocation_id: 'r1' } } });
  });
});
