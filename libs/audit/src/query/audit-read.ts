import { Publisher } from '@admit/bus';
import { HttpError, RequestError, Topic } from '@admit/contracts';

/**
 * Records an auditor's read as an `audit.read` admin action (actor, route, filters) before it is
 * answered, for the API and the console alike; a read that cannot be recorded is not answered.
 */
export async function recordAuditRead(publisher: Publisher, actor: string, target: string, details: Record<string, unknown>): Promise<void> {
  try {
    await publisher.publish(Topic.AdminActions, { actor, action: 'audit.read', target, details, at: new Date().toISOString() }, { subject: actor });
  } catch {
    throw new RequestError(HttpError.TemporarilyUnavailable, 'the read cannot be recorded right now; try again', { retryAfterS: 5 });
  }
}
