import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/**
 * The client id of a registration by plain metadata: a hash of its RFC 8785 canonical JSON. The same
 * metadata always gets the same id, so registering again adds nothing. Ids Admit generates never
 * start with `https://`, which is reserved for Client ID Metadata Documents. Intake names a
 * `POST /register` request with it; the validator computes it again, so the id never depends on what
 * a producer of `admit.registration.requested.v1` put in `client_id`.
 */
export function metadataClientId(metadata: Record<string, unknown>): string {
  const digest = createHash('sha256')
    .update(canonicalize(metadata) ?? '')
    .digest('base64url');
  return `c_${digest.slice(0, 32)}`;
}
