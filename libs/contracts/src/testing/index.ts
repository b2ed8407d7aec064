export * from './valid-events';
