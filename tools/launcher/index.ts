export * from './database';
export * from './launcher';
