export * from './revocation.module';
export * from './revocation-options';
export * from './api/revocation-errors';
export * from './migrations';
