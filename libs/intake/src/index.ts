export * from './intake.module';
export * from './registration/client-id';
export * from './pipeline/pending-decisions';
export * from './admission-token/admission-claims';
export * from './admission-token/admission-token-error';
export * from './admission-token/issuer';
export * from './access/assertion-config';
export * from './access/jti-ledger';
