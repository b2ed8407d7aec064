export * from './constraints';
export * from './entity-statement';
export * from './federation-error';
export * from './metadata-policy';
export * from './trust-chain';
export * from './trust-marks';
