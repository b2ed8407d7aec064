export * from './database';
export * from './launcher';
export * from './policy-dir';
