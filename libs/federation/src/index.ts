export * from './federation-error';
export * from './trust-chain';
