import canonicalize from 'canonicalize';
import { ValidationEvidence } from '@admit/contracts';
import { createHash } from 'node:crypto';

/** SHA-256 (hex) of the RFC 8785 canonical JSON of a validation's evidence: the admission's link to it. */
export function evidenceSha256(evidence: ValidationEvidence): string {
  return createHash('sha256')
    .update(canonicalize(evidence) ?? '')
    .digest('hex');
}
