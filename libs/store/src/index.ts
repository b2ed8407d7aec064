export * from './data-source';
export * from './group-commit';
export * from './database-roles';
export * from './private-data-dir';
export * from './store.module';
export * from './store-config';
export * from './transaction';
export * from './transient-errors';
