// Real: everything (canonicalize, node:crypto); nothing stubbed. Expected hashes are computed here
// the way docs/audit.md tells an auditor to, independently of linkHash.
import { createHash } from 'node:crypto';
import { canonicalRecord, ChainedFields, chainedRecord, GENESIS_HASH, linkHash } from './chain-hash';

const row: ChainedFields = {
  event_id: 'e-1',
  type: 'admit.registration.requested.v1',
  source: '/admit/intake',
  subject: 'c_1',
  correlation_id: 'corr-1',
  causation_id: null,
  event_time: new Date('2026-01-31T12:00:00.123Z'),
  topic: 'admit.registration.requested.v1',
  partition: 2,
  offset: '41',
  data: { z: 1, a: [true, null, 'é'], n: 1e21 },
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the chain hash', () => {
  it('hashes the RFC 8785 canonical JSON of the stored event, with sorted keys and ES number form', () => {
    expect(canonicalRecord(row)).toBe(
      '{"event":{"correlationid":"corr-1","data":{"a":[true,null,"é"],"n":1e+21,"z":1},"datacontenttype":"application/json","id":"e-1",' +
        '"source":"/admit/intake","specversion":"1.0","subject":"c_1","time":"2026-01-31T12:00:00.123Z","type":"admit.registration.requested.v1"},' +
        '"offset":"41","partition":2,"topic":"admit.registration.requested.v1"}',
    );
  });

  it('links = SHA-256 of the previous hash (64 hex characters) followed by the canonical JSON', () => {
    const first = linkHash(GENESIS_HASH, row);
    expect(first).toBe(sha256(`${'0'.repeat(64)}${canonicalRecord(row)}`));
    expect(linkHash(first, { ...row, offset: '42' })).toBe(sha256(`${first}${canonicalRecord({ ...row, offset: '42' })}`));
  });

  it('leaves absent subject and causation out, rather than null', () => {
    const event = chainedRecord({ ...row, subject: null, causation_id: null }).event as Record<string, unknown>;
    expect(Object.keys(event)).not.toContain('subject');
    expect(Object.keys(event)).not.toContain('causationid');
    expect((chainedRecord({ ...row, causation_id: 'cause' }).event as Record<string, unknown>).causationid).toBe('cause');
  });

  it('does not depend on the key order of data (jsonb reorders keys)', () => {
    expect(linkHash(GENESIS_HASH, { ...row, data: { n: 1e21, a: [true, null, 'é'], z: 1 } })).toBe(linkHash(GENESIS_HASH, row));
  });

  it.each([
    ['the data', { data: { z: 2, a: [true, null, 'é'], n: 1e21 } }],
    ['the time, by a millisecond', { event_time: new Date('2026-01-31T12:00:00.124Z') }],
    ['the offset', { offset: '40' }],
    ['the partition', { partition: 3 }],
    ['the source', { source: '/admit/forged' }],
    ['a __proto__ key in the data', { data: JSON.parse('{"__proto__":{"x":1},"z":1}') as unknown }],
  ])('changes when %s changes', (_what, change) => {
    expect(linkHash(GENESIS_HASH, { ...row, ...change })).not.toBe(linkHash(GENESIS_HASH, row));
  });

  it('changes with the previous hash, so a link cannot be moved', () => {
    expect(linkHash('f'.repeat(64), row)).not.toBe(linkHash(GENESIS_HASH, row));
  });
});
