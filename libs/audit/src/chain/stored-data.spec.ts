// Real: everything; nothing stubbed.
import { Topic } from '@admit/contracts';
import { createHash } from 'node:crypto';
import { storedData } from './stored-data';

describe('storedData', () => {
  const svid = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly9wcm9kLmV4YW1wbGUvbnMvYXBpIn0.c2ln';
  const request = { client_id: 'spiffe://prod.example/ns/api', source: 'spiffe', client_assertion: svid, received_at: '2026-12-01T00:00:00.000Z' };

  it('keeps a workload\'s JWT-SVID only by the digest its validation records', () => {
    const stored = storedData(Topic.RegistrationRequested, request);
    expect(stored.value).toEqual({ ...request, client_assertion: `sha256:${createHash('sha256').update(svid).digest('hex')}` });
    expect(JSON.parse(stored.json)).toEqual(stored.value);
    expect(stored.json).not.toContain(svid);
    // The published event is not changed.
    expect(request.client_assertion).toBe(svid);
  });

  it('keeps every other event as published', () => {
    const statement = { client_id: 'c_1', source: 'rfc7591', metadata: { software_statement: 'eyJ.x.y' }, received_at: '2026-12-01T00:00:00.000Z' };
    expect(storedData(Topic.RegistrationRequested, statement)).toEqual({ value: statement, json: JSON.stringify(statement) });
    expect(storedData(Topic.AccessChecked, { ...request })).toEqual({ value: request, json: JSON.stringify(request) });
    expect(storedData(Topic.RegistrationRequested, null)).toEqual({ value: null, json: 'null' });
  });

  it('stores the data as JSON reads it back: no undefined members, instants as text', () => {
    const at = new Date('2026-12-01T00:00:00.000Z');
    expect(storedData(Topic.AccessChecked, { check_id: 'k', reason: undefined, at })).toEqual({
      value: { check_id: 'k', at: '2026-12-01T00:00:00.000Z' },
      json: '{"check_id":"k","at":"2026-12-01T00:00:00.000Z"}',
    });
  });
});
