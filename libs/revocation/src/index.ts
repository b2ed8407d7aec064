export * from './revocation.module';
export * from './revocation-options';
export * from './migrations';
