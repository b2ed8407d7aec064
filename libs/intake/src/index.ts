export * from './intake.module';
export * from './registration/client-id';
export * from './registration/pending-decisions';
