export * from './revocation-set';
export * from './revocation-set.module';
