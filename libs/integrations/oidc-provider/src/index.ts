export * from './adapter';
export * from './admit-client-adapter';
export * from './admit-configuration';
export * from './client-metadata';
export * from './memory-adapter';
