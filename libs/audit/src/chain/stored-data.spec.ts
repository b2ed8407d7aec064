// Real: everything; nothing stubbed.
import { Topic } from '@admit/contracts';
import { createHash } from 'node:crypto';
import { storedData } from './stored-data';

describe('storedData', () => {
  const svid = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly9wcm9kLmV4YW1wbGUvbnMvYXBpIn0.c2ln';
  const request = { client_id: 'spiffe://prod.example/ns/api', source: 'spiffe', client_assertion: svid, received_at: '2026-12-01T00:00:00.000Z' };

  it('keeps a workload\'s JWT-SVID only by the digest its validation records', () => {
    expect(storedData(Topic.RegistrationRequested, request)).toEqual({ ...request, client_assertion: `sha256:${createHash('sha256').update(svid).digest('hex')}` });
    expect(JSON.stringify(storedData(Topic.RegistrationRequested, request))).not.toContain(svid);
    // The published event is not changed.
    expect(request.client_assertion).toBe(svid);
  });

  it('keeps every other event as published', () => {
    const statement = { client_id: 'c_1', source: 'rfc7591', metadata: { software_statement: 'eyJ.x.y' }, received_at: '2026-12-01T00:00:00.000Z' };
    expect(storedData(Topic.RegistrationRequested, statement)).toEqual(statement);
    expect(storedData(Topic.AccessChecked, { ...request })).toEqual(request);
    expect(storedData(Topic.RegistrationRequested, null)).toBeNull();
  });
});
