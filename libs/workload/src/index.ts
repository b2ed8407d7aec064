export * from './client-attestation';
export * from './jwt-svid';
export * from './path-templates';
export * from './spiffe-bundle';
export * from './spiffe-id';
export * from './workload-error';
