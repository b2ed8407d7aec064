export * from './intake.module';
export * from './registration/client-id';
export * from './pipeline/pending-decisions';
