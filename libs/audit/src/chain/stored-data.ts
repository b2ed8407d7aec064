import { Topic } from '@admit/contracts';
import { createHash } from 'node:crypto';

/** An event's data as stored: the value as it reads back, and its JSON text, which is what is inserted. */
export interface StoredData {
  value: unknown;
  json: string;
}

/**
 * An event's data as the audit store keeps it. A workload's JWT-SVID (the `client_assertion` of a
 * `spiffe` request) is a bearer credential until its exp, so it is kept as `sha256:<hex>` of the
 * SVID, the digest the validated event's `evidence.spiffe.svid_sha256` names; everything else as it
 * was published.
 */
export function storedData(topic: string, data: unknown): StoredData {
  const json = JSON.stringify(data);
  const value = JSON.parse(json) as unknown;
  if (topic !== Topic.RegistrationRequested || typeof value !== 'object' || value === null) return { value, json };
  const request = value as { source?: unknown; client_assertion?: unknown };
  if (request.source !== 'spiffe' || typeof request.client_assertion !== 'string') return { value, json };
  request.client_assertion = `sha256:${createHash('sha256').update(request.client_assertion).digest('hex')}`;
  return { value, json: JSON.stringify(value) };
}
