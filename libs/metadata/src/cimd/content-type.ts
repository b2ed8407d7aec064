import { Problem } from '@admit/contracts';
import { CimdErrorCode, cimdProblem, quote } from './cimd-problem';

/** `application/json`, or any `type/subtype+json` (RFC 6839 §3.1), parameters such as charset allowed. */
const JSON_MEDIA_TYPE = /^(application\/json|[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json)$/;

/**
 * A metadata document must be served as JSON. A page that happens to parse as JSON (an HTML error
 * page, a user's upload served as text/html or text/plain) was not published as client metadata by
 * the host, so it is refused before its body is read.
 */
export function jsonContentTypeProblem(contentType: string | undefined): Problem | null {
  const mediaType = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (JSON_MEDIA_TYPE.test(mediaType)) return null;
  const served = contentType === undefined ? 'no Content-Type' : `Content-Type ${quote(mediaType.slice(0, 64))}`;
  return cimdProblem(CimdErrorCode.ContentType, `the document must be served as application/json or a +json type; it was served with ${served}`);
}
