import { AuditError, AuditErrorCode } from '../audit-error';

/** Positions one `GET /audit/links` may ask for: enough for every partition of every topic. */
export const MAX_LINK_POINTS = 500;

const invalid = (message: string) => new AuditError(AuditErrorCode.QueryInvalid, message);

function only(input: Record<string, unknown>, allowed: string[]): void {
  for (const [name, value] of Object.entries(input)) {
    if (!allowed.includes(name)) throw invalid(`unknown parameter ${JSON.stringify(name)}`);
    if (typeof value !== 'string') throw invalid(`${name} is given more than once`);
  }
}

/** `after` (a checkpoint number, default 0) and `limit` (1–1000, default 1000). */
export function parseCheckpointsQuery(input: Record<string, unknown>): { after: string; limit: number } {
  only(input, ['after', 'limit']);
  const after = (input.after as string | undefined) ?? '0';
  if (!/^(0|[1-9][0-9]{0,18})$/.test(after)) throw invalid('after must be a checkpoint number');
  const limit = input.limit === undefined ? 1000 : Number(input.limit);
  if (!/^[0-9]{1,4}$/.test(String(input.limit ?? '1000')) || limit < 1 || limit > 1000) throw invalid('limit must be 1-1000');
  return { after, limit };
}

/** `at`: comma-separated `<topic>:<partition>:<position>`, at most MAX_LINK_POINTS. */
export function parseLinksQuery(input: Record<string, unknown>): { topic: string; partition: number; position: number }[] {
  only(input, ['at']);
  if (typeof input.at !== 'string' || input.at === '') throw invalid('at is required: <topic>:<partition>:<position>,…');
  const parts = input.at.split(',');
  if (parts.length > MAX_LINK_POINTS) throw invalid(`at takes at most ${MAX_LINK_POINTS} positions`);
  return parts.map((part) => {
    const match = /^([A-Za-z0-9._-]{1,249}):([0-9]{1,9}):([1-9][0-9]{0,15})$/.exec(part);
    if (!match) throw invalid(`at: ${JSON.stringify(part.slice(0, 100))} is not <topic>:<partition>:<position>`);
    return { topic: match[1], partition: Number(match[2]), position: Number(match[3]) };
  });
}
