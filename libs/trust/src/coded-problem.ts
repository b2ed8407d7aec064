import { Problem, RegistrationError } from '@admit/contracts';

/**
 * A refusal of the federation, SPIFFE and client attestation sources: its code leads the description,
 * since a registering caller's answer carries only the RFC 7591 error and the description.
 */
export function codedProblem(code: string, description: string): Problem {
  return { code, description: `${code}: ${description}`.slice(0, 2048), error: RegistrationError.InvalidClientMetadata };
}
