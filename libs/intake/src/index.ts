export * from './intake.module';
export * from './intake-config';
// Kept for callers of @admit/intake; the id is computed in @admit/metadata (the validator computes it too).
export { metadataClientId } from '@admit/metadata';
export * from './pipeline/pending-decisions';
export * from './admission-token/admission-claims';
export * from './admission-token/admission-token-error';
export * from './access/jti-ledger';
export * from './limits/rate-limits';
export * from './clients/live-admissions';
export * from './gateway/gateway-actions';
export * from './migrations';
export { AssertionError } from './access/client-assertion';
