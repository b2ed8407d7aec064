export * from './audit-event.entity';
export * from './data-source';
export * from './store.module';
export * from './transient-errors';
