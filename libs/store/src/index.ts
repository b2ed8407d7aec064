export * from './audit-event.entity';
export * from './data-source';
export * from './database-roles';
export { AUDITOR_ROLE } from './migrations/1764421200000-auditor-views';
export * from './private-data-dir';
export * from './revocation.entity';
export * from './store.module';
export * from './transaction';
export * from './transient-errors';
