import { Type } from '@sinclair/typebox';

/**
 * The anchors file: read by the validator, and by intake, which checks the workload proofs presented
 * to it (a JWT-SVID, a client attestation and its PoP) where they are presented.
 */
export const trustAnchorsConfig = {
  /** YAML file of trust anchors; unset means no anchor, so every software statement is unapproved. */
  ADMIT_TRUST_ANCHORS_FILE: Type.Optional(Type.String({ minLength: 1 })),
};
