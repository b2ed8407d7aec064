// Real: the parsers of the checkpoint routes; nothing stubbed.
import { parseCheckpointsQuery, parseLinksQuery } from './checkpoint-params';

describe('GET /audit/checkpoints parameters', () => {
  it('defaults to every checkpoint from the first, 1000 at a time', () => {
    expect(parseCheckpointsQuery({})).toEqual({ after: '0', limit: 1000 });
    expect(parseCheckpointsQuery({ after: '41', limit: '10' })).toEqual({ after: '41', limit: 10 });
  });

  it.each([
    [{ after: '-1' }, 'after must be a checkpoint number'],
    [{ after: '1e3' }, 'after must be a checkpoint number'],
    [{ after: '99999999999999999999' }, 'after must be a checkpoint number'],
    [{ limit: '0' }, 'limit must be 1-1000'],
    [{ limit: '1001' }, 'limit must be 1-1000'],
    [{ limit: '10.5' }, 'limit must be 1-1000'],
    [{ after: ['1', '2'] }, 'after is given more than once'],
    [{ seq: '1' }, 'unknown parameter "seq"'],
  ])('refuses %j with ERR_AUDIT_QUERY_INVALID', (input, message) => {
    expect(() => parseCheckpointsQuery(input)).toThrow(expect.objectContaining({ code: 'ERR_AUDIT_QUERY_INVALID', message }));
  });
});

describe('GET /audit/links parameters', () => {
  it('reads topic:partition:position positions', () => {
    expect(parseLinksQuery({ at: 'admit.dlq.v1:0:1,test-x.admit.revocations.v1:11:42' })).toEqual([
      { topic: 'admit.dlq.v1', partition: 0, position: 1 },
      { topic: 'test-x.admit.revocations.v1', partition: 11, position: 42 },
    ]);
  });

  it.each([
    ['no at', {}, 'at is required: <topic>:<partition>:<position>,…'],
    ['position 0', { at: 't:0:0' }, 'at: "t:0:0" is not <topic>:<partition>:<position>'],
    ['a quote in the topic', { at: "t';drop:0:1" }, 'at: "t\';drop:0:1" is not <topic>:<partition>:<position>'],
    ['an empty entry', { at: 't:0:1,' }, 'at: "" is not <topic>:<partition>:<position>'],
    ['501 positions', { at: Array.from({ length: 501 }, () => 't:0:1').join(',') }, 'at takes at most 500 positions'],
    ['an unknown parameter', { at: 't:0:1', limit: '1' }, 'unknown parameter "limit"'],
  ])('refuses %s with ERR_AUDIT_QUERY_INVALID', (_what, input, message) => {
    expect(() => parseLinksQuery(input)).toThrow(expect.objectContaining({ code: 'ERR_AUDIT_QUERY_INVALID', message }));
  });
});
