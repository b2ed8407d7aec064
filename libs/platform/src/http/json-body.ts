import { parsedJson, RequestError, unstorableTextPath } from '@admit/contracts';

const MAX_DEPTH = 32;

/**
 * Parses a raw JSON request body into a plain object, or refuses it with a 400 carrying `errorCode`,
 * the code its route gives a malformed request (request-schemas.ts), e.g. `invalid_client_metadata`.
 */
export function jsonObjectBody(raw: unknown, errorCode: string): Record<string, unknown> {
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw new RequestError(errorCode, 'the request body is empty');
  const value = parsedJson(raw.toString('utf8'));
  if (value === undefined) throw new RequestError(errorCode, 'the request body is not valid JSON');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestError(errorCode, 'the request body must be a JSON object');
  }
  if (depthExceeds(value, MAX_DEPTH)) {
    throw new RequestError(errorCode, `the request body nests deeper than ${MAX_DEPTH} levels`);
  }
  // Whatever a request says ends up in an event, and every event must fit in the audit store.
  const unstorable = unstorableTextPath(value);
  if (unstorable !== null) {
    throw new RequestError(errorCode, `the request body holds a NUL character or a lone UTF-16 surrogate at ${unstorable.slice(0, 256)}`);
  }
  return value as Record<string, unknown>;
}

/** Iterative, so a hostile body cannot overflow the stack while being measured. */
function depthExceeds(root: object, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > max) return true;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) {
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
      }
    }
  }
  return false;
}
