import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * Stores one event straight into audit_events, unchained (no link, no head): for suites that read
 * the trail rather than ingest it. The subject is the data's client id, as the services set it.
 */
export async function storeEvent(client: Client, type: string, time: Date, data: Record<string, unknown>, correlationId: string = randomUUID()): Promise<void> {
  await client.query(
    `INSERT INTO audit_events (event_id, type, source, subject, correlation_id, event_time, topic, partition, "offset", data)
     VALUES ($1, $2, '/test', $3, $4, $5, $2, 0, 0, $6)`,
    [randomUUID(), type, (data.client_id as string | undefined) ?? null, correlationId, time, JSON.stringify(data)],
  );
}
