export * from './test-federation';
