export * from './test-federation';
export * from './https-federation';
