export * from './audit-event.entity';
export * from './data-source';
export * from './database-roles';
export * from './private-data-dir';
export * from './revocation.entity';
export * from './store.module';
export * from './transaction';
export * from './transient-errors';
