export * from './valid-events';
export * from './thrown';
